"""The moderation policy: which new comments are published at once and which are held."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from comments.models import Comment

POLICIES = {
    "first-time": "hold comments from an email with no approved comment yet",
    "all": "hold every comment",
    "open": "publish every comment at once",
}
# Comments with this many links are held whatever the policy: the mark of most spam.
HELD_LINK_COUNT = 3


def policy():
    name = settings.COMMENTS_MODERATION
    if name not in POLICIES:
        raise ImproperlyConfigured(
            f"COMMENTS_MODERATION is {name!r}; use one of: {', '.join(POLICIES)}."
        )
    return name


def initial_status(comment):
    """The status a new comment gets under the moderation policy."""
    name = policy()
    if name == "all" or comment.link_count >= HELD_LINK_COUNT:
        return Comment.Status.PENDING
    if name == "open":
        return Comment.Status.APPROVED
    known_author = Comment.objects.visible().filter(author_email=comment.author_email).exists()
    return Comment.Status.APPROVED if known_author else Comment.Status.PENDING
