"""Staff's side of the traveller messages: the texts, the timing, each booking's messages
(switched off one by one) and the departures' changes."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bookings.admin import BookingAdmin
from bookings.models import Booking
from operator_site.models import ToConfirm
from outbox import mail as outbox
from outbox.models import Message

from .forms import MessageTemplateForm
from .models import DepartureChange, MessageTemplate, Timing, TripMessage
from .texts import PLACEHOLDERS


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ["kind", "language", "subject", "to_confirm", "updated_at"]
    list_filter = ["kind", "language"]
    search_fields = ["subject", "body"]
    actions = ["approve"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "placeholders": ["{" + name + "}" for name in PLACEHOLDERS],
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _open_claims(self, queryset):
        return ToConfirm.objects.open().filter(
            content_type=ContentType.objects.get_for_model(MessageTemplate),
            object_id__in=queryset.values("pk"),
        )

    @admin.display(description=_("to confirm"), boolean=True)
    def to_confirm(self, template):
        return self._open_claims(MessageTemplate.objects.filter(pk=template.pk)).exists()

    @admin.action(description=_("Approve the selected texts (off the facts-to-confirm list)"))
    def approve(self, request, queryset):
        count = self._open_claims(queryset).update(confirmed_at=timezone.now())
        self.message_user(
            request, ngettext("%d text approved.", "%d texts approved.", count) % count
        )


@admin.register(Timing)
class TimingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "balance_reminder_days", "pre_trip_days", "late_after_hours"]

    def has_add_permission(self, request):
        return not Timing.objects.exists()  # one row

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TripMessage)
class TripMessageAdmin(admin.ModelAdmin):
    list_display = ["booking", "kind", "due_at", "enabled", "status", "reason", "e_mail"]
    list_filter = ["status", "kind", "enabled"]
    list_select_related = ["booking__trek", "message"]
    list_editable = ["enabled"]
    search_fields = ["booking__name", "booking__email", "=booking__id"]
    date_hierarchy = "due_at"
    fields = [
        "booking",
        ("kind", "change"),
        ("due_at", "stale_at"),
        "enabled",
        ("status", "reason", "decided_at"),
        "e_mail",
    ]
    readonly_fields = [
        "booking",
        "kind",
        "change",
        "due_at",
        "stale_at",
        "status",
        "reason",
        "decided_at",
        "e_mail",
    ]
    actions = ["switch_off", "switch_on"]

    def has_add_permission(self, request):
        return False  # planned by the booking

    def has_delete_permission(self, request, obj=None):
        return False  # the record of what was sent or skipped stays

    @admin.display(description=_("e-mail"))
    def e_mail(self, row):
        return row.message.get_status_display() if row.message_id else "–"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not obj.enabled:
            self._cancel_waiting([obj.pk])

    def _cancel_waiting(self, pks):
        # Written and queued but not sent yet: switched off means not sent.
        return outbox.cancel(Message.objects.filter(trip_message__pk__in=pks))

    @admin.action(description=_("Switch off the selected messages (not sent)"))
    def switch_off(self, request, queryset):
        pks = list(queryset.values_list("pk", flat=True))
        count = TripMessage.objects.filter(pk__in=pks).update(enabled=False)
        self._cancel_waiting(pks)
        self.message_user(request, _("%(count)d messages switched off.") % {"count": count})

    @admin.action(description=_("Switch on the selected messages"))
    def switch_on(self, request, queryset):
        count = queryset.filter(status=TripMessage.Status.PLANNED).update(enabled=True)
        self.message_user(request, _("%(count)d messages switched on.") % {"count": count})


@admin.register(DepartureChange)
class DepartureChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "departure", "cancelled", "old_start_date", "new_start_date", "by"]
    list_filter = ["cancelled"]
    list_select_related = ["departure__trek", "by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The booking's page lists its messages. The bookings app cannot import this one (this one
# imports it), so its admin is registered again here with one read-only field more: no form
# field is added, so what staff post on a booking's page is unchanged.
admin.site.unregister(Booking)


@admin.register(Booking)
class BookingWithMessagesAdmin(BookingAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "traveller_messages"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append((_("Messages to the traveller"), {"fields": ["traveller_messages"]}))
        return fieldsets

    @admin.display(description=_("messages"))
    def traveller_messages(self, booking):
        rows = booking.trip_messages.select_related("message", "change").order_by("due_at", "id")
        return render_to_string(
            "admin/trip_messages/_booking_messages.html",
            {"rows": rows, "booking": booking},
        )
