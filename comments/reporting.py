"""Readers' reports. Anyone may report a comment, once per network while no editor has
decided on it; COMMENTS_REPORT_HOLD reports from different networks hold a public comment for
review (logged in public as the site's own action, like every moderation decision), until an
editor approves or removes it, which answers the reports (comments.moderation). Reporters are
limited per network (COMMENTS_REPORT_LIMIT); who reported is never public.

A reporter who gives an email address gets a receipt at once (DSA Art. 16(4)), and the
editors' decision later (notices.sending.send_report_decisions, Art. 16(5)). Anyone may type
any address, so these emails carry nothing a reader typed: no name, no note, only what the
site says about a public comment."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from clients import limits
from comments.models import Comment, ModerationEvent, Report
from comments.moderation import moderate
from mistralnews.site_url import absolute_url
from outbox import sending as outbox


class ReportRefused(Exception):
    """The report is not stored; `message` says why, `status` is the page's status."""

    def __init__(self, message, status=400, retry_after=None):
        super().__init__(message)
        self.message, self.status, self.retry_after = message, status, retry_after


def report(report):
    """Store `report` (an unsaved Report with its comment and ip_hash), and hold its comment
    once enough networks have reported it; raise ReportRefused."""
    with transaction.atomic():
        if wait := limits.take("report", report.ip_hash):
            raise ReportRefused(
                f"Too many reports from your network. Please wait {wait} seconds.",
                status=429,
                retry_after=wait,
            )
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            raise ReportRefused(
                "This comment has already been reported from your network; the editors will "
                "look at it."
            ) from None
        if report.notifier_email:
            send_receipt(report)
        reports = Report.objects.open().filter(comment=report.comment_id).count()
        if reports >= settings.COMMENTS_REPORT_HOLD:
            moderate(
                Comment.objects.filter(pk=report.comment_id, status=Comment.Status.APPROVED),
                ModerationEvent.Action.HOLD,
                None,
                f"Reported by {reports} readers",
            )
    return report


def send_receipt(report):
    """Queue the receipt of `report` to the address its reporter gave, once per report."""
    comment = report.comment
    subject, text, html = outbox.compose(
        "comments/email/report_receipt",
        {
            "report": report,
            "article": comment.article,
            "comment_link": absolute_url(comment.get_absolute_url()),
            "guidelines": absolute_url(reverse("comments:guidelines")),
            "privacy": absolute_url(reverse("comments:privacy")),
        },
    )
    outbox.send(f"report-receipt:{report.pk}", report.notifier_email, subject, text, html)
