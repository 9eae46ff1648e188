"""The traveller's booking page, reached through the signed link e-mailed to them."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import View

from operator_site import pagecache

from . import links
from .forms import TermsForm, TravellerForm
from .models import Booking


def _private(response):
    # Personal data: kept in no cache, not indexed, its address never sent to another site as
    # a Referer. same-origin, not no-referrer: with no-referrer Chromium posts the page's own
    # forms with "Origin: null", which the CSRF check refuses.
    add_never_cache_headers(response)
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


class BookingPageView(View):
    """The trip, what is paid and due, the terms, and one form per traveller. A traveller's
    form saves whatever is filled (a half-filled one too); what is filled must be valid, and
    a form with an error comes back with everything typed."""

    http_method_names = ["get", "post", "head"]

    def dispatch(self, request, signed):
        self.link = links.read(signed)
        if self.link is None or self.link.booking.status != Booking.Status.CONFIRMED:
            response = render(request, "bookings/link_invalid.html", status=404)
            return _private(response)
        self.booking = self.link.booking
        return super().dispatch(request, signed)

    def get(self, request, signed):
        return self.page(request)

    def post(self, request, signed):
        which = request.POST.get("form", "")
        if which == "terms":
            form = TermsForm(request.POST)
            if not form.is_valid():
                return self.page(request, terms_form=form)
            # The first acceptance is the one on record.
            Booking.objects.filter(pk=self.booking.pk, terms_accepted_at__isnull=True).update(
                terms_accepted_at=timezone.now()
            )
            messages.success(request, _("Thank you: the terms are accepted."))
            return redirect(request.path)
        rows = {str(t.position): t for t in self.booking.traveller_rows.all()}
        traveller = rows.get(which.removeprefix("traveller-")) if which else None
        if traveller is None:
            return self.page(request)
        form = TravellerForm(request.POST, instance=traveller, prefix=f"t{traveller.position}")
        if not form.is_valid():
            return self.page(request, bound={traveller.position: form})
        with transaction.atomic():
            form.save()
        if traveller.is_complete:
            text = _("Traveller %(n)d's details are saved.")
        else:
            text = _("Traveller %(n)d's details are saved: you can finish them later.")
        messages.success(request, text % {"n": traveller.position})
        return redirect(f"{request.path}#traveller-{traveller.position}")

    def page(self, request, *, terms_form=None, bound=None):
        booking = self.booking
        bound = bound or {}
        forms = [
            bound.get(t.position) or TravellerForm(instance=t, prefix=f"t{t.position}")
            for t in booking.traveller_rows.all()
        ]
        context = {
            "booking": booking,
            "traveller_forms": forms,
            "terms_form": terms_form or TermsForm(),
            "paid": booking.paid,
            "balance": booking.balance,
        }
        response = pagecache.serve(
            request,
            lambda: TemplateResponse(request, "bookings/booking.html", context),
            name="booking",
            variant=None,  # personal: never stored
        )
        return _private(response)
