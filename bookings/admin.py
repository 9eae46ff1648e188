"""Staff's side of bookings: made from a request in one step, payments recorded, travellers'
details masked unless staff hold the dedicated permission, every view and export recorded."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inquiries.models import Inquiry
from operator_site.query import MonthListFilter
from operator_site.spreadsheets import csv_download, formula_safe
from treks.models import Departure

from . import services
from .forms import BookingFromInquiryForm, PaymentForm
from .models import (
    LIVE_STATUSES,
    Booking,
    BookingLink,
    Payment,
    Traveller,
    TravellerDataAccess,
)

DOCUMENTS_PERMISSION = "bookings.view_traveller_documents"


def can_see_documents(request):
    return request.user.has_perm(DOCUMENTS_PERMISSION)


class PaymentInline(admin.TabularInline):
    model = Payment
    form = PaymentForm
    extra = 1
    fields = [
        "amount",
        "paid_on",
        "method",
        "reference",
        "charged",
        "refunded",
        "recorded_by",
        "recorded_at",
    ]
    readonly_fields = ["charged", "refunded", "recorded_by", "recorded_at"]


class TravellerInline(admin.TabularInline):
    """Read-only for staff: the traveller fills these in on their booking page."""

    model = Traveller
    extra = 0
    can_delete = False
    fields = [
        "position",
        "full_name",
        "nationality",
        "passport",
        "date_of_birth",
        "dietary_needs",
        "emergency_contact",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("passport number"))
    def passport(self, traveller):
        # `show_documents` is set by BookingAdmin.change_view for staff with the permission.
        if getattr(self, "show_documents", False):
            return traveller.passport_number
        return traveller.masked_passport


class DepartureMonthFilter(MonthListFilter):
    title = _("departure month")
    parameter_name = "month"
    field = "start_date"

    def lookups(self, request, model_admin):
        months = Booking.objects.dates("start_date", "month", order="DESC")
        return [(f"{m:%Y-%m}", f"{m:%Y-%m}") for m in months]


class BalanceFilter(admin.SimpleListFilter):
    title = _("balance")
    parameter_name = "balance"

    def lookups(self, request, model_admin):
        return [
            ("due", _("Balance to pay")),
            ("overdue", _("Balance overdue")),
            ("paid", _("Paid in full")),
        ]

    def queryset(self, request, queryset):
        paid = (
            Payment.objects.filter(booking=OuterRef("pk"))
            .values("booking")
            .annotate(total=Sum(F("amount") - F("refunded")))
            .values("total")
        )
        queryset = queryset.annotate(
            paid_total=Coalesce(Subquery(paid), Value(0), output_field=DecimalField())
        )
        owing = Q(total_price__gt=F("paid_total"))
        if self.value() == "due":
            return queryset.filter(owing)
        if self.value() == "overdue":
            return queryset.filter(owing, balance_due_date__lt=timezone.localdate())
        if self.value() == "paid":
            return queryset.exclude(owing)
        return queryset


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "name",
        "trek",
        "start_date",
        "travellers",
        "status",
        "total_price",
        "paid_amount",
        "balance_amount",
        "balance_due_date",
    ]
    list_filter = ["status", DepartureMonthFilter, BalanceFilter, "trek"]
    list_select_related = ["trek"]
    search_fields = ["name", "email", "=id"]
    date_hierarchy = "start_date"
    inlines = [PaymentInline, TravellerInline]
    actions = ["cancel_bookings", "send_links", "revoke_links", "export_travellers"]
    readonly_fields = [
        "inquiry",
        "trek",
        "departure",
        "private_date",
        "start_date",
        "end_date",
        "travellers",
        "currency",
        "status",
        "name",
        "email",
        "language",
        "terms_accepted_at",
        "paid_amount",
        "balance_amount",
        "created_at",
        "created_by",
        "cancelled_at",
        "documents_purged_at",
    ]
    fieldsets = [
        (
            None,
            {"fields": [("status", "hold_until", "inquiry"), ("name", "email", "language")]},
        ),
        (
            _("The trip"),
            {
                "fields": [
                    ("trek", "departure", "private_date"),
                    ("start_date", "end_date", "travellers"),
                ]
            },
        ),
        (
            _("Money"),
            {
                "fields": [
                    ("total_price", "currency", "deposit_due"),
                    ("paid_amount", "balance_amount", "balance_due_date"),
                    "payment_instructions",
                ]
            },
        ),
        (
            _("History"),
            {
                "fields": [
                    "terms_accepted_at",
                    ("created_at", "created_by"),
                    "cancelled_at",
                    "documents_purged_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("payments")

    def has_add_permission(self, request):
        return False  # bookings are made from a request (its admin page)

    @admin.display(description=_("paid"))
    def paid_amount(self, booking):
        return booking.paid

    @admin.display(description=_("balance"))
    def balance_amount(self, booking):
        return booking.balance

    def save_formset(self, request, form, formset, change):
        for payment in formset.save(commit=False):
            if isinstance(payment, Payment) and payment.recorded_by_id is None:
                payment.recorded_by = request.user
            payment.save()
        for gone in formset.deleted_objects:
            gone.delete()
        if formset.model is Payment:
            services.follow_the_money(booking=form.instance, actor=request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if can_see_documents(request) and request.method == "GET":
            booking = self.get_object(request, object_id)
            if booking is not None:
                services.record_access(
                    bookings=[booking], user=request.user, action=TravellerDataAccess.Action.VIEW
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            if isinstance(inline, TravellerInline):
                inline.show_documents = can_see_documents(request)
        return inlines

    # --- Actions ---------------------------------------------------------------------------

    @admin.action(description=_("Cancel the selected bookings (releases their seats)"))
    def cancel_bookings(self, request, queryset):
        cancelled = sum(services.cancel(booking=booking) for booking in queryset)
        self.message_user(request, _("%(count)d bookings cancelled.") % {"count": cancelled})

    @admin.action(description=_("E-mail the traveller a link to their booking"))
    def send_links(self, request, queryset):
        sent = 0
        for booking in queryset.filter(status__in=LIVE_STATUSES):
            services.send_link(booking=booking)
            sent += 1
        # Queued in the outbox with each new link: send_outbox sends them within a minute.
        self.message_user(
            request, _("%(count)d links queued: they go out within a minute.") % {"count": sent}
        )

    @admin.action(description=_("Revoke the travellers' links"))
    def revoke_links(self, request, queryset):
        revoked = sum(services.revoke_links(booking=booking) for booking in queryset)
        self.message_user(request, _("%(count)d links revoked.") % {"count": revoked})

    @admin.action(description=_("Export traveller details (CSV)"))
    def export_travellers(self, request, queryset):
        if not can_see_documents(request):
            self.message_user(
                request,
                _("Exporting traveller details needs the permission to see passport numbers."),
                messages.ERROR,
            )
            return None
        bookings = list(queryset.select_related("trek"))
        services.record_access(
            bookings=bookings, user=request.user, action=TravellerDataAccess.Action.EXPORT
        )
        response, writer = csv_download("travellers.csv", no_store=True)
        writer.writerow(
            [
                "booking",
                "trek",
                "start",
                "traveller",
                "full name",
                "nationality",
                "passport",
                "date of birth",
                "dietary needs",
                "emergency contact",
            ]
        )
        travellers = Traveller.objects.filter(booking__in=bookings).select_related("booking__trek")
        for t in travellers:
            writer.writerow(
                [
                    formula_safe(v)
                    for v in (
                        t.booking_id,
                        t.booking.trek.name,
                        t.booking.start_date,
                        t.position,
                        t.full_name,
                        t.nationality.code if t.nationality else "",
                        t.passport_number,
                        t.date_of_birth or "",
                        t.dietary_needs,
                        t.emergency_contact,
                    )
                ]
            )
        return response

    # --- From a request ---------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "from-request/<int:inquiry_id>/",
                view(self.from_inquiry_view),
                name="bookings_booking_from_inquiry",
            ),
            path(
                "departure-sheet/<int:departure_id>/",
                view(self.departure_sheet_view),
                name="bookings_departure_sheet",
            ),
            *super().get_urls(),
        ]

    def from_inquiry_view(self, request, inquiry_id):
        if not request.user.has_perm("bookings.change_booking"):
            raise PermissionDenied
        inquiry = get_object_or_404(Inquiry.objects.select_related("trek"), pk=inquiry_id)
        if inquiry.trek is None:
            self.message_user(request, _("A general request has no trek to book."), messages.ERROR)
            return redirect(inquiry.get_admin_url())
        initial = {
            "travellers": inquiry.group_size,
            "departure": inquiry.departure_id,
            "deposit_percent": inquiry.trek.deposit_percent,  # the trek's usual deposit
        }
        if inquiry.departure_id:
            initial["total_price"] = inquiry.departure.price_per_person * inquiry.group_size
        form = BookingFromInquiryForm(request.POST or None, inquiry=inquiry, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                booking = services.book(
                    inquiry=inquiry,
                    departure=data["departure"],
                    private_date=data["private_date"],
                    travellers=data["travellers"],
                    total_price=data["total_price"],
                    deposit_due=data["deposit_due"],
                    balance_due_date=data["balance_due_date"],
                    payment_instructions=data["payment_instructions"],
                    user=request.user,
                )
            except services.NotEnoughSeats as error:
                form.add_error("travellers", str(error))
            else:
                self.message_user(request, _("Booking made; the seats are held."))
                return redirect(booking.get_admin_url())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Make a booking from this request"),
            "inquiry": inquiry,
            "form": form,
        }
        return TemplateResponse(request, "admin/bookings/from_inquiry.html", context)

    def departure_sheet_view(self, request, departure_id):
        """The guides' printable sheet: travellers, ages, dietary needs, emergency contacts
        and the itinerary. It holds personal data: the permission, and a record of each."""
        if not can_see_documents(request):
            raise PermissionDenied
        departure = get_object_or_404(Departure.objects.select_related("trek"), pk=departure_id)
        bookings = list(
            departure.bookings.filter(status__in=LIVE_STATUSES).prefetch_related("traveller_rows")
        )
        services.record_access(
            bookings=bookings, user=request.user, action=TravellerDataAccess.Action.SHEET
        )
        travellers = [
            (booking, t, t.age_on(departure.start_date))
            for booking in bookings
            for t in booking.traveller_rows.all()
        ]
        stages = departure.trek.stages.select_related("start_place", "end_place").order_by(
            "day", "order"
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Departure sheet"),
            "departure": departure,
            "travellers": travellers,
            "stages": stages,
            "booked": sum(b.travellers for b in bookings),
        }
        response = TemplateResponse(request, "admin/bookings/departure_sheet.html", context)
        response["Cache-Control"] = "no-store"
        return response


@admin.register(Traveller)
class TravellerAdmin(admin.ModelAdmin):
    """A list to find a traveller by name: passport numbers always masked here."""

    list_display = ["full_name", "booking", "nationality", "passport", "date_of_birth"]
    list_select_related = ["booking__trek"]
    search_fields = ["full_name", "booking__name"]
    fields = ["booking", "position", "full_name", "nationality", "passport"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("passport number"))
    def passport(self, traveller):
        return traveller.masked_passport


@admin.register(TravellerDataAccess)
class TravellerDataAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "booking"]
    list_filter = ["action", "user"]
    list_select_related = ["user", "booking"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BookingLink)
class BookingLinkAdmin(admin.ModelAdmin):
    list_display = ["booking", "created_at", "revoked_at"]
    list_select_related = ["booking"]
    fields = ["booking", "created_at", "revoked_at"]
    readonly_fields = ["booking", "created_at"]

    def has_add_permission(self, request):
        return False
