"""The sales desk in admin: the pipeline of requests (every request, newest first, moved
New → Replied → Quote sent → Won/Lost) and the reply templates."""

import datetime
from functools import partial

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from inquiries import services
from inquiries.models import TRAVELLER_FIELDS, Inquiry
from operator_site.query import MonthListFilter
from operator_site.spreadsheets import csv_download, formula_safe
from outbox.models import Message

from . import changelist
from . import services as desk_services
from . import views as desk_views
from .forms import InquiryDeskForm
from .models import ReplyTemplate

CSV_COLUMNS = [
    ("id", "id"),
    ("received_at", "received (UTC)"),
    ("status", "status"),
    ("trek", "trek"),
    ("travel_date", "travel date"),
    ("group_size", "people"),
    ("lead_source", "lead source"),
    ("name", "name"),
    ("email", "email"),
    ("phone", "phone"),
    ("country", "country"),
    ("message", "message"),
    ("owner", "owner"),
    ("staff_notes", "staff notes"),
    ("source_url", "page"),
]


class LargeGroupFilter(admin.SimpleListFilter):
    """Requests for more people than their trek's largest group: planned apart (several groups,
    more guides), so sales find them in one click."""

    title = _("large group")
    parameter_name = "large_group"

    def lookups(self, request, model_admin):
        return [("yes", _("Larger than the trek's largest group"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.large_groups()
        return queryset


class SpamFilter(admin.SimpleListFilter):
    """Suspected spam is kept (people trip the bot checks too) but left out of the list unless
    this filter asks for it."""

    title = _("suspected spam")
    parameter_name = "spam"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("Suspected spam only")),
            ("any", _("Everything, spam included")),
            *[(value, label) for value, label in Inquiry.SpamReason.choices],
        ]

    def choices(self, changelist):
        choices = super().choices(changelist)
        # The first is Django's "All" (no parameter): here that is the default, spam left out.
        first = next(choices)
        yield {**first, "display": _("Not spam (the pipeline)")}
        yield from choices

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset.not_spam()
        if value == "any":
            return queryset
        if value == "yes":
            return queryset.suspected_spam()
        if value in Inquiry.SpamReason.values:
            return queryset.filter(spam_reason=value)
        return queryset.none()


class TravelMonthFilter(MonthListFilter):
    title = _("month of travel")
    parameter_name = "travel_month"
    field = "travel_date"

    def lookups(self, request, model_admin):
        months = Inquiry.objects.dates("travel_date", "month", order="ASC")
        return [(f"{m:%Y-%m}", date_format(m, "F Y")) for m in months]


class NotificationFilter(admin.SimpleListFilter):
    title = _("e-mails")
    parameter_name = "emails"

    def lookups(self, request, model_admin):
        return [("sent", _("Sent")), ("pending", _("Not sent yet (retried)"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.notification_pending()
        if self.value() == "sent":
            return queryset.exclude(pk__in=Inquiry.objects.notification_pending().values("pk"))
        return queryset


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        changelist.contact_links,
        "trek_or_general",
        changelist.travel_day,
        changelist.people,
        changelist.language_code,
        "status",
        "owner",
        changelist.waiting,
        changelist.follow_up,
        "emails_sent",
    ]
    list_display_links = ["name"]
    list_editable = ["status"]
    list_filter = [
        changelist.WaitingFilter,
        changelist.FollowUpFilter,
        changelist.MineFilter,
        "status",
        ("trek", admin.RelatedOnlyFieldListFilter),
        TravelMonthFilter,
        LargeGroupFilter,
        "lead_source",
        ("owner", admin.RelatedOnlyFieldListFilter),
        NotificationFilter,
        "language",
        SpamFilter,
    ]
    search_fields = ["name", "email", "phone"]
    list_select_related = ["trek", "owner"]
    date_hierarchy = "received_at"
    list_per_page = 50
    ordering = ["-received_at", "-id"]
    actions = [
        "mark_replied",
        "mark_quote_sent",
        "mark_won",
        "mark_lost",
        "assign_to_me",
        "export_csv",
        "export_xlsx",
        "mark_not_spam",
    ]
    fieldsets = [
        (_("Pipeline"), {"fields": ["status", "owner", "follow_up_on", "new_note", "booking"]}),
        (
            _("The request"),
            {
                "fields": [
                    "trek",
                    "departure",
                    ("travel_date", "group_size"),
                    "lead_source",
                    ("name", "email"),
                    ("phone", "country"),
                    "message",
                ]
            },
        ),
        (
            _("Where it came from"),
            {
                "fields": [
                    "received_at",
                    "language",
                    "source_url",
                    "user_agent",
                    "client_ip",
                    "spam_reason",
                ]
            },
        ),
        (_("E-mails"), {"fields": ["emails", "confirmation_withheld"]}),
    ]
    # What the traveller sent and how it travelled is kept as it came; staff work the pipeline.
    traveller_fields = [
        "trek",
        *TRAVELLER_FIELDS,
        "received_at",
        "language",
        "source_url",
        "user_agent",
        "client_ip",
        "spam_reason",  # changed by the "not spam" action only, which sends the e-mails
        # Notes from before the history: kept as they were; new notes go into the history.
        "staff_notes",
    ]
    state_fields = [
        "first_reply_at",
        "last_message_at",
        "emails",
        "confirmation_withheld",
    ]
    change_list_template = "admin/inquiries/inquiry/change_list.html"
    change_form_template = "admin/inquiries/inquiry/change_form.html"
    form = InquiryDeskForm

    class Media:
        css = {"all": ["desk/desk.css"]}

    def has_delete_permission(self, request, obj=None):
        # A request is the traveller's record: only a superuser may delete one
        # (operator_site/roles.py).
        return request.user.is_active and request.user.is_superuser

    def save_model(self, request, obj, form, change):
        # The list's status column and the request's page both land here: the history records
        # who changed what, and a note is added, never overwriting the ones before.
        desk_services.save_pipeline(
            inquiry=obj, actor=request.user, note=form.cleaned_data.get("new_note", "")
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Below the form: the reply box and the dated history (desk/).
        desk = desk_views.change_page_context(request, object_id)
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **desk})

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("widgets", {"status": changelist.StatusSelect})
        return super().get_changelist_form(request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return [*self.state_fields, "booking"]  # a request that came by phone
        return [*self.traveller_fields, *self.state_fields, "booking"]

    @admin.display(description=_("booking"))
    def booking(self, obj):
        """Turn the request into a booking in one step (the bookings app's admin page)."""
        if obj.pk is None or obj.trek_id is None:
            return "–"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:bookings_booking_from_inquiry", args=[obj.pk]),
            _("Make a booking from this request"),
        )

    @admin.display(description=_("trek"), ordering="trek__name")
    def trek_or_general(self, obj):
        return obj.trek.name if obj.trek else _("(general request)")

    @admin.display(description=_("e-mailed"), boolean=True)
    def emails_sent(self, obj):
        return obj.emails_queued and not obj.emails_unsent

    def get_queryset(self, request):
        messages_of = Message.objects.filter(inquiry=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(emails_queued=Exists(messages_of), emails_unsent=Exists(messages_of.unsent()))
        )

    @admin.display(description=_("e-mails"))
    def emails(self, obj):
        """The request's e-mails as the outbox has them (retried, or retried from its admin)."""
        if obj.pk is None:
            return "–"
        return render_to_string(
            "desk/_emails.html", {"messages": obj.outbox_messages.order_by("created_at", "id")}
        )

    def _set_status(self, request, queryset, status):
        updated = desk_services.set_status(inquiries=queryset, status=status, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d request marked “%(status)s”.",
                "%(count)d requests marked “%(status)s”.",
                updated,
            )
            % {"count": updated, "status": Inquiry.Status(status).label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as replied"), permissions=["change"])
    def mark_replied(self, request, queryset):
        self._set_status(request, queryset, Inquiry.Status.REPLIED)

    @admin.action(description=_("Mark as quote sent"), permissions=["change"])
    def mark_quote_sent(self, request, queryset):
        self._set_status(request, queryset, Inquiry.Status.QUOTE_SENT)

    @admin.action(description=_("Mark as won"), permissions=["change"])
    def mark_won(self, request, queryset):
        self._set_status(request, queryset, Inquiry.Status.WON)

    @admin.action(description=_("Mark as lost"), permissions=["change"])
    def mark_lost(self, request, queryset):
        self._set_status(request, queryset, Inquiry.Status.LOST)

    @admin.action(description=_("Assign to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        updated = desk_services.assign(inquiries=queryset, owner=request.user, actor=request.user)
        self.message_user(
            request,
            ngettext("%d request assigned to you.", "%d requests assigned to you.", updated)
            % updated,
            messages.SUCCESS,
        )

    @admin.action(description=_("Export selected as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response, writer = csv_download(f"requests-{stamp}.csv")
        writer.writerow([title for _field, title in CSV_COLUMNS])
        for inquiry in queryset.select_related("trek", "owner").order_by("-received_at", "-id"):
            row = {
                "trek": inquiry.trek.name if inquiry.trek else "",
                "owner": inquiry.owner.get_username() if inquiry.owner else "",
                "received_at": inquiry.received_at.astimezone(datetime.UTC).isoformat(),
                "status": inquiry.get_status_display(),
                "lead_source": inquiry.get_lead_source_display(),
            }
            writer.writerow(
                [
                    formula_safe(
                        row[field] if field in row else getattr(inquiry, field),
                        phone=field == "phone",
                    )
                    for field, _title in CSV_COLUMNS
                ]
            )
        return response

    @admin.action(
        description=_("Not spam: move to the pipeline and send the e-mails"), permissions=["change"]
    )
    def mark_not_spam(self, request, queryset):
        marked = services.mark_not_spam(inquiries=queryset)
        self.message_user(
            request,
            ngettext(
                "%d request moved to the pipeline; its e-mails are being sent.",
                "%d requests moved to the pipeline; their e-mails are being sent.",
                marked,
            )
            % marked,
            messages.SUCCESS if marked else messages.WARNING,
        )

    @admin.action(description=_("Export selected as Excel (.xlsx)"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        # Imported here: openpyxl adds megabytes to every worker that never exports.
        from inquiries import exports

        response = HttpResponse(content_type=exports.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="requests-{stamp}.xlsx"'
        exports.write_xlsx(
            response, queryset.select_related("trek", "owner").order_by("-received_at", "-id")
        )
        return response

    def get_urls(self):
        reply = path(
            "<int:object_id>/reply/",
            self.admin_site.admin_view(partial(desk_views.reply_view, model_admin=self)),
            name="inquiries_inquiry_reply",
        )
        numbers = path(
            "numbers/",
            self.admin_site.admin_view(partial(desk_views.numbers_view, model_admin=self)),
            name="inquiries_inquiry_numbers",
        )
        return [numbers, reply, *super().get_urls()]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "subject", "is_active", "updated_at"]
    list_editable = ["is_active"]
    list_filter = ["language", "is_active"]
    search_fields = ["name", "subject"]
    fields = ["name", "language", "subject", "body", "is_active"]
