"""Every e-mail, its state and its last error; staff retry the ones that gave up."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import mail
from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "subject", "status", "attempts", "not_before", "sent_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["inquiry"]
    search_fields = ["subject", "to"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    fields = [
        ("kind", "status", "language"),
        ("inquiry", "booking"),
        ("from_email", "to", "reply_to"),
        "subject",
        "body",
        "attachment_names",
        ("created_at", "not_before", "send_by", "sent_at"),
        ("attempts", "last_error"),
    ]
    readonly_fields = [name for row in fields for name in ([row] if isinstance(row, str) else row)]

    @admin.display(description=_("attachments"))
    def attachment_names(self, message):
        return ", ".join(a["filename"] for a in message.attachments) or "–"

    def has_add_permission(self, request):
        return False  # the site queues its own e-mails

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    @admin.action(description=_("Retry: send again on the next run"), permissions=["change"])
    def retry(self, request, queryset):
        count = mail.retry(queryset)
        self.message_user(
            request,
            ngettext(
                "%d e-mail will be sent on the next run.",
                "%d e-mails will be sent on the next run.",
                count,
            )
            % count,
            messages.SUCCESS if count else messages.WARNING,
        )
