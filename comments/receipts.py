"""The receipt a commenter may ask for ("Email me a copy"): their comment, with a link to edit
it while editing is open and one to withdraw it at any time.

Those links act on the comment, so the receipt goes only to an address verified in the
browser the comment came from: that browser's owner proved the address is theirs, and the
copy reaches nobody who did not write the comment. A comment from anywhere else gets no
receipt, whatever its form said: anyone may type any address, and the site must not mail a
stranger (or hand them the comment's links) because someone typed theirs. That author still
edits and withdraws from the browser they posted from; the verification email that post may
bring carries no links to the comment.
"""

from django.conf import settings
from django.urls import reverse

from comments import editing
from comments.lifecycle import Event, after_commit
from comments.models import Comment
from mistralnews.site_url import absolute_url
from outbox import sending as outbox


@after_commit(Event.POSTED)
def send_receipt(event, comment_ids, *, receipt=False, verified_here=False, **details):
    """Queue the receipt of each comment just posted whose author asked for one, from a
    browser holding its address's verification; at most one per comment."""
    if not (receipt and verified_here):
        return
    minutes = settings.COMMENTS_EDIT_WINDOW  # 0: editing is off, and there is no edit link
    for comment in Comment.objects.filter(pk__in=comment_ids).select_related("article"):
        subject, text, html = outbox.compose(
            "comments/email/receipt",
            {
                "comment": comment,
                "article": comment.article,
                "held": comment.status == Comment.Status.PENDING,
                "edit_link": minutes and absolute_url(editing.edit_url(comment)),
                "edit_minutes": minutes,
                "withdraw_link": absolute_url(editing.withdraw_url(comment)),
                "privacy": absolute_url(reverse("comments:privacy")),
            },
        )
        outbox.send(f"receipt:{comment.pk}", comment.author_email, subject, text, html)
