"""How the production log writes what went wrong."""

import logging


class ClientMistake(logging.Filter):
    """Requests Django refuses as suspicious (an unknown Host, a body or form too large) are
    the client's mistake, not the site's: one warning line each, without a traceback, so the
    error log keeps its tracebacks for real failures."""

    def filter(self, record):
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        return True
