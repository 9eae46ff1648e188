"""Staff's side of online payments: the day's exchange rate, and every checkout opened at a
provider (read-only: what the provider confirms is recorded by the site, never typed)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import Checkout, ExchangeRate, PaymentRequest


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["valid_on", "source", "target", "rate", "set_by", "set_at"]
    list_filter = ["source", "target"]
    list_select_related = ["set_by"]
    fields = ["valid_on", "source", "target", "rate"]
    date_hierarchy = "valid_on"

    def save_model(self, request, obj, form, change):
        obj.set_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PaymentRequest)
class PaymentRequestAdmin(admin.ModelAdmin):
    """Staff ask for an amount from the booking's page ("Ask for a payment online"): it shows
    on the traveller's booking page with a pay button per provider until it is paid."""

    list_display = ["created_at", "booking", "amount", "description", "created_by", "cancelled_at"]
    list_select_related = ["booking__trek", "created_by"]
    search_fields = ["=booking__id", "booking__name", "description"]
    autocomplete_fields = ["booking"]
    fields = ["booking", "amount", "description", "cancelled_at"]

    def get_readonly_fields(self, request, obj=None):
        # Once asked, the amount stays what the traveller may have seen; withdraw it instead.
        return ["booking", "amount"] if obj else []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            messages.info(
                request,
                _(
                    "It is on the traveller's booking page now. If they do not have their link, "
                    "send it from the bookings list (E-mail the traveller a link to their booking)."
                ),
            )


@admin.register(Checkout)
class CheckoutAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "booking",
        "provider",
        "asked_amount",
        "status",
        "received",
        "provider_payment_id",
    ]
    list_filter = ["status", "provider"]
    list_select_related = ["booking__trek"]
    search_fields = ["=booking__id", "booking__name", "provider_checkout_id", "provider_payment_id"]
    readonly_fields = [
        "booking",
        "provider",
        "reference",
        "description",
        "provider_checkout_id",
        "checkout_url",
        "amount",
        "currency",
        "charged_amount",
        "charged_currency",
        "rate",
        "rate_on",
        "status",
        "provider_payment_id",
        "received",
        "payment",
        "created_at",
        "created_by",
    ]
    fields = readonly_fields

    @admin.display(description=_("asked"))
    def asked_amount(self, checkout):
        return checkout.asked

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
