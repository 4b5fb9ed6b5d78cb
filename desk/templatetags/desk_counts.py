"""The counts of comments waiting and reported, for the desk's header and home: one query a
request (desk.queue.counts)."""

from django import template

from desk.queue import counts

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_counts(context):
    """The desk.queue.Counts, or None for a user who cannot moderate (and on the login page).
    A page that counted them already passes `desk_counts`."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_active or not user.has_perm("comments.change_comment"):
        return None
    if (counted := context.get("desk_counts")) is not None:
        return counted
    # Counted once a request, however many places show them.
    if not hasattr(request, "desk_counts"):
        request.desk_counts = counts()
    return request.desk_counts
