"""The count of comments waiting, for the desk's header and home: one indexed count."""

from django import template

from desk.queue import waiting

register = template.Library()


@register.simple_tag(takes_context=True)
def waiting_comments(context):
    """How many comments await moderation, or None for a user who cannot moderate (and on the
    login page). A page that counted them already passes `waiting_count`."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_active or not user.has_perm("comments.change_comment"):
        return None
    if (count := context.get("waiting_count")) is not None:
        return count
    # Counted once a request, however many places show it.
    if not hasattr(request, "desk_waiting"):
        request.desk_waiting = waiting().count()
    return request.desk_waiting
