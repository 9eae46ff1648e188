"""Admin pages of the sales desk, reached through the request admin's URLs."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from inquiries.models import Inquiry
from inquiries.validators import mail_address
from operator_site.spreadsheets import csv_download, formula_safe

from . import charts, contact, history, numbers, replies
from .forms import ChooseTemplateForm, PeriodForm, ReplyForm
from .models import ReplyTemplate


def templates_for(inquiry):
    """Active templates, those in the traveller's language first."""
    return ReplyTemplate.objects.filter(is_active=True).order_by(
        Case(
            When(language=inquiry.language, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "language",
        "name",
    )


def change_page_context(request, object_id):
    """What the request's admin page shows below its form: the reply box and the history."""
    # Read as admin's own change view reads it (the primary key's to_python): "²" or "abc" is
    # no request, and admin itself says so.
    try:
        pk = Inquiry._meta.pk.to_python(object_id)
    except ValidationError:
        return {}
    inquiry = Inquiry.objects.select_related("trek").filter(pk=pk).first()
    if inquiry is None:
        return {}
    return {
        "events": history.events_of(inquiry.pk),
        "reply_templates": templates_for(inquiry),
        "whatsapp_url": contact.whatsapp_url(inquiry, staff_name=replies.staff_name(request.user)),
        "mailto_url": contact.mailto_url(inquiry),
    }


def reply_view(request, object_id, *, model_admin):
    inquiry = Inquiry.objects.select_related("trek").filter(pk=object_id).first()
    if inquiry is None:
        raise Http404
    if not model_admin.has_change_permission(request, inquiry):
        raise PermissionDenied
    template = None
    preview = None
    if request.method == "POST":
        form = ReplyForm(request.POST, inquiry=inquiry, staff=request.user)
        if form.is_valid():
            template = form.cleaned_data["template"]
            subject, body = form.filled["subject"], form.filled["body"]
            if "_send" in request.POST:
                replies.send_reply(
                    inquiry=inquiry,
                    author=request.user,
                    subject=subject,
                    body=body,
                    template=template,
                )
                messages.success(
                    request,
                    _("Reply saved; it is being sent to %(email)s.") % {"email": inquiry.email},
                )
                return redirect(inquiry.get_admin_url())
            preview = {"subject": " ".join(subject.split()), "body": body}
    else:
        initial = {}
        chosen = ChooseTemplateForm(request.GET)
        if chosen.is_valid():
            template = chosen.cleaned_data["template"]
        else:
            messages.warning(request, _("That template is not offered: start from another."))
        if template is not None:
            values = replies.values_for(inquiry, staff=request.user, language=template.language)
            initial = {
                "template": template,
                "subject": replies.fill(template.subject, values),
                "body": replies.fill(template.body, values),
            }
        form = ReplyForm(initial=initial, inquiry=inquiry)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Inquiry._meta,
        "original": inquiry,
        "inquiry": inquiry,
        "title": _("Reply to %(name)s") % {"name": inquiry.name},
        "form": form,
        "preview": preview,
        "reply_templates": templates_for(inquiry),
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "reply_to": mail_address(request.user.email or "")
        or ", ".join(settings.INQUIRY_NOTIFY_EMAILS[:1]),
        "media": model_admin.media,
    }
    return TemplateResponse(request, "desk/reply.html", context)


TABLES = ("funnel", "source", "trek", "month")


def _default_period():
    today = timezone.localdate()
    first = today.replace(day=1)
    # The first day of the month eleven months back: twelve calendar months, this one included.
    months = first.year * 12 + first.month - 1 - 11
    return first.replace(year=months // 12, month=months % 12 + 1), today


def numbers_view(request, *, model_admin):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    default_start, default_end = _default_period()
    form = PeriodForm(request.GET or None)
    start, end = default_start, default_end
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or default_start
        end = form.cleaned_data["end"] or default_end
    rows = numbers.period(start, end)
    tables = {
        "funnel": numbers.funnel(rows),
        "source": numbers.by_lead_source(rows),
        "trek": numbers.by_trek(rows),
        "month": numbers.by_month(rows),
    }
    export = request.GET.get("export")
    if export in TABLES:
        return _csv(tables[export], export, start, end)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Inquiry._meta,
        "title": _("The numbers"),
        "form": form,
        "start": start,
        "end": end,
        "tables": tables,
        "median_reply_hours": numbers.hours(numbers.overall_median_reply(rows)),
        "total": sum(r.requests for r in tables["funnel"]),
        "travellers": sum(r.travellers for r in tables["funnel"]),
        "charts": {
            "funnel": charts.bar_chart((r.label, r.requests) for r in tables["funnel"]),
            "source": charts.bar_chart((r.label, r.conversion) for r in tables["source"]),
            "trek": charts.bar_chart((r.label, r.conversion) for r in tables["trek"]),
            "month": charts.bar_chart(
                (date_format(r.label, "YEAR_MONTH_FORMAT"), r.travellers) for r in tables["month"]
            ),
        },
        "export_query": {"start": start.isoformat(), "end": end.isoformat()},
        "media": model_admin.media,
    }
    return TemplateResponse(request, "desk/numbers.html", context)


def _csv(table, name, start, end):
    response, writer = csv_download(f"numbers-{name}-{start:%Y%m%d}-{end:%Y%m%d}.csv")
    writer.writerow(
        [
            _("Month") if name == "month" else _("Label"),
            _("Requests"),
            _("Travellers"),
            _("Won"),
            _("Travellers won"),
            _("Conversion (%)"),
            _("Median hours to first reply"),
        ]
    )
    for row in table:
        label = row.label.strftime("%Y-%m") if name == "month" else row.label
        writer.writerow(
            [
                formula_safe(label),
                row.requests,
                row.travellers,
                row.won,
                row.won_travellers,
                "" if row.conversion is None else row.conversion,
                "" if row.median_reply is None else row.median_reply_hours,
            ]
        )
    return response
