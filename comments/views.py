from django.views.generic import ListView

from comments.models import ModerationEvent


class ModerationLogView(ListView):
    """The public moderation log: what editors did to which comment and why, newest first.
    Never the removed text, the commenter's email, nor which editor acted."""

    paginate_by = 50
    template_name = "comments/moderation_log.html"
    context_object_name = "events"

    def get_queryset(self):
        return ModerationEvent.objects.for_public_log()
