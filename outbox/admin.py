"""The outbox in the desk, read-only: what is queued, sent, failed or refused, and why; and
the addresses that refused mail. Editors look; only the worker and the site write."""

from django.contrib import admin
from django.utils.text import Truncator

from outbox.models import Email, RefusedAddress

ERROR_LENGTH = 80


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Email)
class EmailAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at", "to", "subject", "status", "attempts", "next_attempt_at", "error",
    ]  # fmt: skip
    list_filter = ["status"]
    search_fields = ["to"]
    date_hierarchy = "created_at"
    fields = [
        "key", "to", "subject", "status", "attempts", "last_error", "created_at",
        "last_attempt_at", "next_attempt_at", "sent_at", "message_id", "headers", "text", "html",
    ]  # fmt: skip
    readonly_fields = fields

    @admin.display(description="Last error")
    def error(self, email):
        # Plain text, which the admin escapes: server answers can hold anything.
        return Truncator(email.last_error).chars(ERROR_LENGTH)


@admin.register(RefusedAddress)
class RefusedAddressAdmin(ReadOnlyAdmin):
    list_display = ["address", "refused_at", "reason"]
    search_fields = ["address"]
    fields = ["address", "refused_at", "reason"]
    readonly_fields = fields
