"""How notices hear about comments: after-commit listeners on comments.lifecycle, which queue
the `notices.tasks.hear` task when the change may owe someone a notice. The work itself runs
on the worker, never in the request that made the change."""

import logging

from django.utils import timezone

from comments.lifecycle import Event, after_commit
from comments.moderation import UNDO_WINDOW
from notices import queueing, tasks

logger = logging.getLogger(__name__)


@after_commit(Event.POSTED, Event.APPROVED, Event.REMOVED)
def queue_notices(event, comment_ids, **details):
    try:
        if queueing.may_owe_notices(event, comment_ids):
            task = tasks.hear
            if event in queueing.MODERATION_EVENTS:
                # An editor may undo a decision for a while (the desk's undo): what it owes
                # waits until then, and a decision undone owes nothing (sending checks).
                task = task.using(run_after=timezone.now() + UNDO_WINDOW)
            task.enqueue(str(event), comment_ids)
    except Exception:
        # The change is committed and its reader's response must go on; the notices it owed
        # are lost (docs/notices.md).
        logger.exception("Queueing notices for %s on comments %s failed", event, comment_ids)


@after_commit(Event.APPROVED, Event.KEPT, Event.REMOVED, Event.MARKED_SPAM)
def queue_report_decisions(event, comment_ids, **details):
    """The editors' decision goes to each reporter of these comments who gave an address,
    once the decision can no longer be undone (sending checks it still stands)."""
    try:
        if queueing.owes_report_decisions(comment_ids):
            tasks.send_report_decisions.using(run_after=timezone.now() + UNDO_WINDOW).enqueue(
                comment_ids
            )
    except Exception:
        # As above: the decision is committed; the periodic sweep sends what is still owed.
        logger.exception("Queueing report decisions on comments %s failed", comment_ids)
