"""The request list a sales person works from: its columns, the status badge that is also the
status field (list_editable), and the three filters of the working day."""

import datetime

from django import forms
from django.contrib import admin
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from inquiries.models import Inquiry

from . import contact

WAITING_LIMIT = datetime.timedelta(hours=24)


def waiting_too_long(queryset, *, now=None):
    """New requests nobody has answered for more than 24 h."""
    now = now or timezone.now()
    return queryset.filter(status=Inquiry.Status.NEW, received_at__lt=now - WAITING_LIMIT)


class StatusSelect(forms.Select):
    """The status as a coloured badge that is a select: staff change it in the list."""

    template_name = "desk/widgets/status_select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["status"] = value
        return context


class WaitingFilter(admin.SimpleListFilter):
    title = _("waiting time")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("24h", _("More than 24 h without a reply"))]

    def queryset(self, request, queryset):
        if self.value() == "24h":
            return waiting_too_long(queryset)
        return queryset


class FollowUpFilter(admin.SimpleListFilter):
    title = _("follow-up")
    parameter_name = "follow_up"

    def lookups(self, request, model_admin):
        return [("due", _("Due today or overdue")), ("planned", _("Planned later"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()  # Cusco's today
        if self.value() == "due":
            return queryset.filter(follow_up_on__lte=today)
        if self.value() == "planned":
            return queryset.filter(follow_up_on__gt=today)
        return queryset


class MineFilter(admin.SimpleListFilter):
    # Not "owner": the owner filter by name is there too.
    title = _("assignment")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("me", _("Mine")), ("nobody", _("Nobody's yet"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(owner=request.user)
        if self.value() == "nobody":
            return queryset.filter(owner__isnull=True)
        return queryset


@admin.display(description=_("contact"))
def contact_links(inquiry):
    return render_to_string(
        "desk/_contact_cell.html",
        {
            "inquiry": inquiry,
            "mailto": contact.mailto_url(inquiry),
            "whatsapp": contact.whatsapp_url(inquiry),
        },
    )


@admin.display(description=_("people"), ordering="group_size")
def people(inquiry):
    return inquiry.group_size


@admin.display(description=_("lang."), ordering="language")
def language_code(inquiry):
    return inquiry.language.upper()


@admin.display(description=_("date of travel"), ordering="travel_date")
def travel_day(inquiry):
    return date_format(inquiry.travel_date, "SHORT_DATE_FORMAT")


@admin.display(description=_("waiting"), ordering="last_message_at")
def waiting(inquiry):
    since = inquiry.last_message_at or inquiry.received_at
    late = inquiry.status == Inquiry.Status.NEW and timezone.now() - since > WAITING_LIMIT
    return render_to_string(
        "desk/_waiting_cell.html",
        {
            "since": since,
            "time": timesince(since, depth=1),
            "late": late,
            "answered": inquiry.status != Inquiry.Status.NEW,
        },
    )


@admin.display(description=_("follow-up"), ordering="follow_up_on")
def follow_up(inquiry):
    return render_to_string(
        "desk/_follow_up_cell.html",
        {
            "day": inquiry.follow_up_on,
            "due": inquiry.follow_up_on is not None
            and inquiry.follow_up_on <= timezone.localdate(),
        },
    )
