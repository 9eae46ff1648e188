"""The traveller pays the deposit on a phone, in Chromium (issue 24): the booking page's PayPal
button, the provider's hosted checkout (the stand-in of tests/payment_providers.py on its own
origin, so the page's CSP form-action is what lets the redirect through), back on the booking
page with the payment received; staff see it on the booking and in the request's history."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from bookings import links
from bookings.models import Booking, BookingLink, Payment
from tests import payment_providers as pp
from tests.factories import make_booking, make_departure, make_trek, make_walk

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def standin(settings, live_server):
    server = pp.StandIn()
    settings.PAYPAL_CLIENT_ID = pp.CLIENT_ID
    settings.PAYPAL_CLIENT_SECRET = pp.CLIENT_SECRET
    settings.PAYPAL_WEBHOOK_ID = pp.WEBHOOK_ID
    settings.PAYPAL_API_URL = server.url
    settings.PAYPAL_CHECKOUT_ORIGINS = [server.url + "/"]
    settings.SITE_URL = live_server.url  # the return address PayPal is given
    policy = settings.CONTENT_SECURITY_POLICY
    directives = {**policy["DIRECTIVES"], "form-action": ["'self'", server.url]}
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    yield server
    server.close()


def test_the_traveller_pays_the_deposit_on_a_phone_and_staff_see_it(
    open_page, standin, staff_client
):
    booking = make_booking(make_departure(make_walk(make_trek(), 3)), travellers=2)
    path = links.path_for(BookingLink.objects.create(booking=booking))
    page = open_page(375, path)
    pay = page.get_by_role("button", name="Pay USD 325.00 with PayPal")
    expect(pay).to_be_visible()
    pay.click()
    page.wait_for_url(f"{standin.url}/checkoutnow?token=*")
    expect(page.get_by_text("USD 325.00")).to_be_visible()
    page.get_by_role("button", name="Pay now").click()
    page.wait_for_url(f"**{path}#pay")
    expect(page.get_by_text("Payment received: USD 325.00 through PayPal")).to_be_visible()
    expect(page.get_by_text("The balance to pay: USD 975.00")).to_be_visible()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    payment = Payment.objects.get()

    # Staff: the payment on the booking's admin page, the events in the request's history.
    change = staff_client.get(booking.get_admin_url()).content.decode()
    assert payment.provider_reference in change and "PayPal (online)" in change
    history = staff_client.get(
        reverse("admin:inquiries_inquiry_change", args=[booking.inquiry_id])
    ).content.decode()
    assert "PayPal: USD 325.00 received" in history and "Awaiting deposit" in history
