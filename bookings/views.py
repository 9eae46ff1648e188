"""The traveller's booking page, reached through the signed link e-mailed to them."""

import hashlib
import logging

from django.contrib import messages
from django.db import DatabaseError, transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import View

from operator_site import kept, pagecache

from . import links
from .forms import TermsForm, TravellerForm
from .models import Booking
from .signals import booking_page_payment

logger = logging.getLogger(__name__)


def _private(response):
    # Personal data: kept in no cache, not indexed, its address never sent to another site as
    # a Referer. same-origin, not no-referrer: with no-referrer Chromium posts the page's own
    # forms with "Origin: null", which the CSRF check refuses.
    add_never_cache_headers(response)
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def traveller_prefix(position):
    return f"t{position}"


def shown_fingerprint(values):
    """A short digest of the values a traveller's fields showed when the page was rendered
    (sent back in a hidden field): a traveller whose fields come back exactly as shown was not
    touched, and is not written over what another device saved meanwhile."""
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:20]


class BookingPageView(View):
    """The trip, what is paid and due, and one form with every traveller's details, one Save
    and the terms. Each traveller saves whatever is filled (half-filled too); what is filled
    must be valid. A traveller with an error comes back with everything typed and is not
    saved; the others, valid, are saved, and the page says which were and which were not."""

    http_method_names = ["get", "post", "head"]

    def dispatch(self, request, signed):
        self.signed = signed
        self.link = links.read(signed)
        if self.link is None or not self.link.booking.is_live:
            # Expired, revoked or cancelled while the page was open: what was typed is shown
            # back, so that it can be sent to us another way.
            return _private(kept.refusal(request, "bookings/link_invalid.html", 404))
        self.booking = self.link.booking
        return super().dispatch(request, signed)

    def get(self, request, signed):
        return self.page(request)

    def post(self, request, signed):
        """The travellers' details and, when "Accept the terms" was pressed, the terms: one
        form, so that accepting the terms never drops what was typed for a traveller. Valid
        travellers are saved and the acceptance recorded in one transaction; any error comes
        back with everything typed."""
        data = request.POST
        # "form=terms": the terms' own small form, from a page opened before they shared one.
        accepting = "accept_terms" in data or data.get("form", "") == "terms"
        terms_form = TermsForm(data) if accepting else None
        forms = []
        for traveller in self.booking.traveller_rows.all():
            prefix = traveller_prefix(traveller.position)
            # Only travellers whose fields were posted: a traveller missing from the page that
            # was sent (added by staff since) keeps what is saved.
            if any(key.startswith(prefix + "-") for key in data):
                form = TravellerForm(data, instance=traveller, prefix=prefix)
            else:
                form = TravellerForm(instance=traveller, prefix=prefix)
            form.was_complete = traveller.is_complete  # before validation touches it
            forms.append(form)
        posted = [form for form in forms if form.is_bound]
        if not posted and not accepting:
            return self.page(request)
        valid = [form for form in posted if form.is_valid()]
        to_save = [form for form in valid if not self._untouched(form)]
        terms_refused = accepting and not terms_form.is_valid()
        try:
            with transaction.atomic():
                for form in to_save:
                    form.save()
                if accepting and not terms_refused:
                    # The first acceptance is the one on record.
                    Booking.objects.filter(
                        pk=self.booking.pk, terms_accepted_at__isnull=True
                    ).update(terms_accepted_at=timezone.now())
        except DatabaseError:
            # Disk full, database read-only: nothing was saved; the traveller gets the 503
            # page with everything typed. The log names the error type only, no values.
            logger.exception("booking page could not be stored: database unwritable")
            response = kept.refusal(
                request,
                "503.html",
                503,
                context={"booking_page": True},
                headers={"Retry-After": "300"},
            )
            return _private(response)
        for form in to_save:
            traveller = form.instance
            if traveller.is_complete:
                text = _("Traveller %(n)d's details are saved.")
            else:
                text = _("Traveller %(n)d's details are saved: you can finish them later.")
            messages.success(request, text % {"n": traveller.position})
            form.was_complete = traveller.is_complete
        if accepting and not terms_refused:
            messages.success(request, _("Thank you: the terms are accepted."))
        if len(valid) < len(posted) or terms_refused:
            # Shown again with the errors; an untouched traveller as it is saved now (it may
            # have been filled from another device meanwhile), the others as typed.
            forms = [
                self._fresh(form) if form in valid and form not in to_save else form
                for form in forms
            ]
            self.booking.refresh_from_db(fields=["terms_accepted_at"])
            if not terms_refused:  # a tick made before pressing Save stays ticked
                terms_form = TermsForm(initial={"accept": bool(data.get("accept"))})
            return self.page(request, terms_form=terms_form, traveller_forms=forms)
        if accepting:
            return redirect(f"{request.path}#terms")
        if not to_save:
            messages.info(request, _("Nothing was changed: the details are as they were saved."))
        return redirect(f"{request.path}#travellers")

    @staticmethod
    def _fresh(form):
        traveller = form.instance
        traveller.refresh_from_db()  # validation wrote what was posted into it, in memory
        fresh = TravellerForm(instance=traveller, prefix=form.prefix)
        fresh.was_complete = traveller.is_complete
        return fresh

    @staticmethod
    def _untouched(form):
        shown = form.data.get(form.add_prefix("shown"))
        if not shown:
            return False
        values = [form.data.get(form.add_prefix(name), "") for name in form.fields]
        return shown == shown_fingerprint(values)

    def page(self, request, *, terms_form=None, traveller_forms=None):
        booking = self.booking
        if traveller_forms is None:
            traveller_forms = []
            for traveller in booking.traveller_rows.all():
                prefix = traveller_prefix(traveller.position)
                form = TravellerForm(instance=traveller, prefix=prefix)
                form.was_complete = traveller.is_complete
                traveller_forms.append(form)
        for form in traveller_forms:
            form.shown = shown_fingerprint([_as_text(form[name].value()) for name in form.fields])
        context = {
            "booking": booking,
            "traveller_forms": traveller_forms,
            "forms_with_errors": [form for form in traveller_forms if form.errors],
            "terms_form": terms_form or TermsForm(),
            "paid": booking.paid,
            "balance": booking.balance,
            "payment_parts": [
                html
                for _receiver, html in booking_page_payment.send(
                    sender=Booking, request=request, booking=booking, signed=self.signed
                )
                if html
            ],
        }
        response = pagecache.serve(
            request,
            lambda: TemplateResponse(request, "bookings/booking.html", context),
            name="booking",
            variant=None,  # personal: never stored
        )
        return _private(response)


def _as_text(value):
    """A field's value as its input shows it: "" for nothing, a date as YYYY-MM-DD, a country
    as its code."""
    return "" if value is None else str(value)
