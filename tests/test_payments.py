"""Online payments (issue 24): the traveller pays the deposit or the balance on the booking
page through PayPal (dollars) or Mercado Pago (soles at the day's rate); a payment is recorded
only from what the provider's API says, once, with its amount and currency checked, and the
booking's status, the request and its history follow. The providers are a local stand-in
server (tests/payment_providers.py, with the documentation each answer follows)."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from bookings import links
from bookings.models import Booking, BookingLink, Payment
from inquiries.models import Inquiry
from outbox.models import Kind, Message
from payments.models import Checkout, ExchangeRate
from tests import payment_providers as pp
from tests.factories import (
    make_booking,
    make_departure,
    make_inquiry,
    make_trek,
    make_walk,
    send_outbox,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def standin():
    server = pp.StandIn()
    yield server
    server.close()


@pytest.fixture
def providers(settings, standin):
    """Both providers set up, pointed at the stand-in."""
    settings.PAYPAL_CLIENT_ID = pp.CLIENT_ID
    settings.PAYPAL_CLIENT_SECRET = pp.CLIENT_SECRET
    settings.PAYPAL_WEBHOOK_ID = pp.WEBHOOK_ID
    settings.PAYPAL_API_URL = standin.url
    settings.PAYPAL_CHECKOUT_ORIGINS = [standin.url + "/"]
    settings.MERCADOPAGO_ACCESS_TOKEN = pp.MP_TOKEN
    settings.MERCADOPAGO_WEBHOOK_SECRET = pp.MP_SECRET
    settings.MERCADOPAGO_API_URL = standin.url
    settings.MERCADOPAGO_CHECKOUT_ORIGINS = [standin.url + "/"]
    settings.PAYMENTS_TIMEOUT = 0.5
    standin.capture_amount = None
    standin.hold = None
    return settings


def _booking(**kwargs):
    departure = make_departure(make_walk(make_trek(), 3), price_per_person=Decimal("650"))
    kwargs.setdefault("travellers", 2)
    return make_booking(departure, **kwargs)  # USD 1,300, deposit 325


def _page(booking):
    return links.path_for(BookingLink.objects.create(booking=booking))


def _pay(client, booking, provider, amount=None):
    page = _page(booking)
    client.get(page)
    signed = page.rstrip("/").rsplit("/", 1)[1]
    url = reverse("payments:pay", kwargs={"signed": signed, "provider": provider})
    return page, client.post(url, {"amount": str(amount or booking.due_now)})


def _rate(rate="3.75", day=None):
    return ExchangeRate.objects.create(rate=Decimal(rate), valid_on=day or timezone.localdate())


def _paypal_checkout(client, booking, standin):
    page, response = _pay(client, booking, "paypal")
    assert response.status_code == 303, response
    checkout = Checkout.objects.get(booking=booking, provider="paypal")
    assert (
        response["Location"] == f"{standin.url}/checkoutnow?token={checkout.provider_checkout_id}"
    )
    return page, checkout


def _back(client, checkout, **query):
    url = reverse(
        "payments:back", kwargs={"provider": checkout.provider, "reference": checkout.reference}
    )
    return client.get(url, query)


def _notify(client, provider, body, headers, query=""):
    url = reverse(f"payments_hooks:{provider}") + query
    return client.post(url, body, content_type="application/json", **headers)


# --- No provider set up ------------------------------------------------------------------------


def test_without_provider_settings_the_page_shows_the_instructions_only(client):
    booking = _booking(payment_instructions="Transfer to BCP 191-000 (to confirm)")
    html = client.get(_page(booking)).content.decode()
    assert "Transfer to BCP 191-000" in html
    assert "pay-online" not in html and "/pay/" not in html
    assert "Awaiting deposit" in html


def test_without_settings_the_pay_and_notification_addresses_are_not_found(client):
    booking = _booking()
    _page_path, response = _pay(client, booking, "paypal")
    assert response.status_code == 404
    assert client.post(reverse("payments_hooks:mercadopago"), {}).status_code == 404
    assert not Checkout.objects.exists()


# --- PayPal ------------------------------------------------------------------------------------


def test_paypal_deposit_paid_recorded_once_from_the_provider(client, providers, standin):
    booking = _booking()
    html = client.get(_page(booking)).content.decode()
    assert "The deposit to pay now: USD 325.00" in html
    assert "Pay USD 325.00 with PayPal" in html
    page, checkout = _paypal_checkout(client, booking, standin)
    order = standin.orders[checkout.provider_checkout_id]
    unit = order["purchase_units"][0]
    assert unit["amount"] == {"currency_code": "USD", "value": "325.00"}
    assert unit["custom_id"] == str(checkout.reference)
    assert not Payment.objects.exists()  # opening a checkout records nothing

    # Back without approving (the address alone): nothing recorded, "being confirmed".
    response = _back(client, checkout, token=checkout.provider_checkout_id)
    assert response.status_code == 302 and response["Location"] == page + "#pay"
    assert "being confirmed" in client.get(page).content.decode()
    assert not Payment.objects.exists()

    standin.approve(checkout.provider_checkout_id)
    response = _back(client, checkout, token=checkout.provider_checkout_id, PayerID="QYR5Z8XDVJNXQ")
    html = client.get(page).content.decode()
    assert "Payment received: USD 325.00 through PayPal" in html
    (payment,) = Payment.objects.all()
    capture_id = order["purchase_units"][0]["payments"]["captures"][0]["id"]
    assert (payment.method, payment.provider_reference, payment.amount) == (
        "paypal",
        capture_id,
        Decimal("325.00"),
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.inquiry.status == Inquiry.Status.WON
    kinds = list(booking.inquiry.events.values_list("kind", flat=True))
    assert {"payment", "booking", "status"} <= set(kinds)
    # The balance is what is due now.
    assert "The balance to pay: USD 975.00" in html

    # The webhook that follows (a replay of the same news): verified, fetched, not recorded twice.
    body, headers = standin.paypal_event("PAYMENT.CAPTURE.COMPLETED", standin.captures[capture_id])
    assert _notify(client, "paypal", body, headers).status_code == 200
    assert _notify(client, "paypal", body, headers).status_code == 200
    assert Payment.objects.count() == 1
    receipts = Message.objects.filter(kind=Kind.PAYMENT_RECEIPT)
    assert receipts.count() == 1


def test_paypal_receipt_is_in_the_travellers_language(client, providers, standin):
    departure = make_departure(make_walk(make_trek(), 3), price_per_person=Decimal("650"))
    inquiry = make_inquiry(trek=departure.trek, departure=departure, language="es", group_size=2)
    booking = make_booking(departure, inquiry=inquiry, travellers=2)
    _page_path, checkout = _paypal_checkout(client, booking, standin)
    standin.approve(checkout.provider_checkout_id)
    body, headers = standin.paypal_event(
        "CHECKOUT.ORDER.APPROVED", standin.orders[checkout.provider_checkout_id]
    )
    assert _notify(client, "paypal", body, headers).status_code == 200  # captured by the hook
    send_outbox()
    # The booking's confirmation (trip_messages) went to the traveller too.
    (receipt,) = [m for m in mail.outbox if m.to == [booking.email] and "PayPal" in m.body]
    assert receipt.subject.startswith("Pago recibido")
    assert "USD 325.00" in receipt.body and "PayPal" in receipt.body


@pytest.mark.parametrize("tamper", ["unsigned", "other_webhook", "altered"])
def test_paypal_forged_notifications_are_refused(client, providers, standin, tamper):
    booking = _booking()
    _page_path, checkout = _paypal_checkout(client, booking, standin)
    standin.approve(checkout.provider_checkout_id)
    order = standin.orders[checkout.provider_checkout_id]
    body, headers = standin.paypal_event(
        "CHECKOUT.ORDER.APPROVED",
        order,
        webhook_id="OTHER" if tamper == "other_webhook" else pp.WEBHOOK_ID,
    )
    if tamper == "unsigned":
        headers = {}
    if tamper == "altered":
        body = body.replace(b"CHECKOUT.ORDER.APPROVED", b"CHECKOUT.ORDER.APPROVEd")
    assert _notify(client, "paypal", body, headers).status_code == 400
    assert not Payment.objects.exists()
    assert standin.orders[checkout.provider_checkout_id]["status"] == "APPROVED"  # not captured


def test_paypal_capture_of_another_amount_is_flagged_for_staff(client, providers, standin):
    booking = _booking()
    page, checkout = _paypal_checkout(client, booking, standin)
    standin.approve(checkout.provider_checkout_id)
    standin.capture_amount = ("USD", "32.50")
    _back(client, checkout, token=checkout.provider_checkout_id)
    checkout.refresh_from_db()
    assert checkout.status == Checkout.Status.FLAGGED and checkout.received == "USD 32.50"
    assert not Payment.objects.exists()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.AWAITING_DEPOSIT
    assert "other than the USD 325.00 asked" in client.get(page).content.decode()
    assert booking.inquiry.events.filter(kind="payment_flagged").count() == 1
    staff = Message.objects.get(kind=Kind.STAFF_NOTIFICATION, booking=booking)
    assert "USD 32.50 paid where USD 325.00 was asked" in staff.body
    # Told again (a webhook): flagged once, still not counted.
    capture_id = next(iter(standin.captures))
    body, headers = standin.paypal_event("PAYMENT.CAPTURE.COMPLETED", standin.captures[capture_id])
    assert _notify(client, "paypal", body, headers).status_code == 200
    assert booking.inquiry.events.filter(kind="payment_flagged").count() == 1
    assert not Payment.objects.exists()


def test_paypal_refund_event_is_recorded_and_the_status_follows(client, providers, standin):
    booking = _booking()
    _page_path, checkout = _paypal_checkout(client, booking, standin)
    standin.approve(checkout.provider_checkout_id)
    _back(client, checkout, token=checkout.provider_checkout_id)
    capture_id = next(
        c for c in standin.captures if standin.captures[c]["custom_id"] == str(checkout.reference)
    )
    refund = standin.refund_capture(capture_id, "100")
    body, headers = standin.paypal_event("PAYMENT.CAPTURE.REFUNDED", refund)
    assert _notify(client, "paypal", body, headers).status_code == 200
    assert _notify(client, "paypal", body, headers).status_code == 200  # replayed
    payment = Payment.objects.get()
    assert payment.refunded == Decimal("100.00")
    booking.refresh_from_db()
    assert booking.paid == Decimal("225.00")
    assert booking.status == Booking.Status.AWAITING_DEPOSIT  # under the deposit again
    assert booking.inquiry.events.filter(kind="payment", text__contains="refunded").count() == 1


# --- Mercado Pago ------------------------------------------------------------------------------


def test_mercadopago_in_soles_at_the_days_rate_recorded_from_the_notification(
    client, providers, standin
):
    booking = _booking()
    _rate("3.75")
    html = client.get(_page(booking)).content.decode()
    today = timezone.localdate()
    assert "Pay PEN 1,218.75 with Mercado Pago" in html
    assert f"USD 325.00 = PEN 1,218.75 at 3.75, set {today.day} {today:%b}" in html
    page, response = _pay(client, booking, "mercadopago")
    assert response.status_code == 303
    checkout = Checkout.objects.get(provider="mercadopago")
    preference = standin.preferences[checkout.provider_checkout_id]
    assert response["Location"] == preference["init_point"]
    assert preference["items"][0]["currency_id"] == "PEN"
    assert Decimal(str(preference["items"][0]["unit_price"])) == Decimal("1218.75")
    assert preference["external_reference"] == str(checkout.reference)
    assert preference["notification_url"].endswith("/payments/notify/mercadopago/")

    payment_id = standin.mp_pay(checkout.provider_checkout_id)
    query, body, headers = standin.mp_notification(payment_id)
    assert _notify(client, "mercadopago", body, headers, query).status_code == 200
    (payment,) = Payment.objects.all()
    assert (payment.amount, payment.charged, payment.provider_reference) == (
        Decimal("325.00"),
        "PEN 1218.75",
        str(payment_id),
    )
    # The traveller's return afterwards, and the notification again: still one payment.
    response = _back(client, checkout, payment_id=str(payment_id), status="approved")
    assert response.status_code == 302
    assert "Payment received: PEN 1218.75 through Mercado Pago" in client.get(page).content.decode()
    assert _notify(client, "mercadopago", body, headers, query).status_code == 200
    assert Payment.objects.count() == 1
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_mercadopago_without_todays_rate_cannot_charge_soles(client, providers, standin):
    booking = _booking()
    _rate("3.70", day=timezone.localdate() - datetime.timedelta(days=1))  # yesterday's
    html = client.get(_page(booking)).content.decode()
    assert "today's exchange rate is not set yet" in html
    assert "with Mercado Pago</button>" not in html and "Pay USD 325.00 with PayPal" in html
    page, response = _pay(client, booking, "mercadopago")
    assert response.status_code == 302 and response["Location"] == page + "#pay"
    assert "Paying in soles is not possible today" in client.get(page).content.decode()
    assert not Checkout.objects.exists() and not standin.preferences.get("x")


@pytest.mark.parametrize("tamper", ["unsigned", "wrong_secret", "other_payment"])
def test_mercadopago_forged_notifications_are_refused(client, providers, standin, tamper):
    booking = _booking()
    _rate()
    _pay(client, booking, "mercadopago")
    checkout = Checkout.objects.get()
    payment_id = standin.mp_pay(checkout.provider_checkout_id)
    secret = "not-the-secret" if tamper == "wrong_secret" else pp.MP_SECRET
    query, body, headers = standin.mp_notification(payment_id, secret=secret)
    if tamper == "unsigned":
        headers = {}
    if tamper == "other_payment":  # a valid signature, for another data.id
        query = query.replace(str(payment_id), str(payment_id + 1))
    assert _notify(client, "mercadopago", body, headers, query).status_code == 400
    assert not Payment.objects.exists()


def test_mercadopago_notification_for_an_unknown_payment_records_nothing(
    client, providers, standin
):
    booking = _booking()
    _rate()
    _pay(client, booking, "mercadopago")
    checkout = Checkout.objects.get()
    # A payment the provider does not know (404), and one that names no checkout of ours.
    query, body, headers = standin.mp_notification(999999999)
    assert _notify(client, "mercadopago", body, headers, query).status_code == 200
    stranger = standin.mp_pay(checkout.provider_checkout_id, reference="someone-elses-order")
    query, body, headers = standin.mp_notification(stranger)
    assert _notify(client, "mercadopago", body, headers, query).status_code == 200
    assert not Payment.objects.exists()
    checkout.refresh_from_db()
    assert checkout.status == Checkout.Status.OPEN


@pytest.mark.parametrize(
    "amount, currency", [("1000.00", "PEN"), ("1218.75", "USD"), ("1300.00", "PEN")]
)
def test_mercadopago_other_amount_or_currency_is_flagged_not_counted(
    client, providers, standin, amount, currency
):
    booking = _booking()
    _rate()
    _pay(client, booking, "mercadopago")
    checkout = Checkout.objects.get()
    payment_id = standin.mp_pay(checkout.provider_checkout_id, amount=amount, currency=currency)
    query, body, headers = standin.mp_notification(payment_id)
    assert _notify(client, "mercadopago", body, headers, query).status_code == 200
    checkout.refresh_from_db()
    assert checkout.status == Checkout.Status.FLAGGED
    assert checkout.received == f"{currency} {Decimal(amount)}"
    assert not Payment.objects.exists()
    assert Message.objects.filter(kind=Kind.STAFF_NOTIFICATION, booking=booking).count() == 1


def test_mercadopago_pending_then_refund(client, providers, standin):
    booking = _booking(deposit_due=Decimal("325"))
    _rate("4")
    page, _response = _pay(client, booking, "mercadopago")
    checkout = Checkout.objects.get()
    payment_id = standin.mp_pay(checkout.provider_checkout_id, status="in_process")
    _back(client, checkout, payment_id=str(payment_id), status="in_process")
    assert "being confirmed" in client.get(page).content.decode()
    assert not Payment.objects.exists()
    standin.payments[payment_id]["status"] = "approved"
    query, body, headers = standin.mp_notification(payment_id)
    _notify(client, "mercadopago", body, headers, query)
    assert Payment.objects.get().amount == Decimal("325.00")
    standin.mp_refund(payment_id, 1300)  # all of it: PEN 1,300 = USD 325
    query, body, headers = standin.mp_notification(payment_id)
    assert _notify(client, "mercadopago", body, headers, query).status_code == 200
    payment = Payment.objects.get()
    assert payment.refunded == payment.amount
    booking.refresh_from_db()
    assert booking.paid == 0 and booking.status == Booking.Status.AWAITING_DEPOSIT


# --- The provider down or slow -------------------------------------------------------------------


@pytest.mark.parametrize("where", [pp.refusing, pp.silent])
def test_provider_down_or_timing_out_when_paying_charges_nothing(client, providers, where):
    booking = _booking()
    with where() as address:
        providers.PAYPAL_API_URL = address
        page, response = _pay(client, booking, "paypal")
    assert response.status_code == 302 and response["Location"] == page + "#pay"
    html = client.get(page).content.decode()
    assert "PayPal is not answering right now: nothing was charged" in html
    assert not Checkout.objects.exists() and not Payment.objects.exists()


@pytest.mark.parametrize("where", [pp.refusing, pp.silent])
def test_provider_down_at_a_notification_answers_503_and_the_retry_records(
    client, providers, standin, where
):
    booking = _booking()
    _rate()
    _pay(client, booking, "mercadopago")
    checkout = Checkout.objects.get()
    payment_id = standin.mp_pay(checkout.provider_checkout_id)
    query, body, headers = standin.mp_notification(payment_id)
    with where() as address:
        providers.MERCADOPAGO_API_URL = address
        assert _notify(client, "mercadopago", body, headers, query).status_code == 503
        # The traveller back meanwhile: told it is being confirmed, nothing recorded.
        response = _back(client, checkout, payment_id=str(payment_id))
        assert response.status_code == 302
    assert not Payment.objects.exists()
    providers.MERCADOPAGO_API_URL = standin.url
    assert _notify(client, "mercadopago", body, headers, query).status_code == 200  # the retry
    assert Payment.objects.count() == 1


# --- At once -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_notification_and_return_at_once_record_one_payment(client, providers, standin):
    """The notification and the traveller's return fetch the payment at the same moment (the
    stand-in holds both answers until both asked), then both settle: one payment."""
    from django.db import connection
    from django.test import Client

    booking = _booking()
    _rate()
    _pay(client, booking, "mercadopago")
    checkout = Checkout.objects.get()
    payment_id = standin.mp_pay(checkout.provider_checkout_id)
    query, body, headers = standin.mp_notification(payment_id)
    standin.hold = threading.Barrier(2)
    results = []

    def notification():
        try:
            results.append(_notify(Client(), "mercadopago", body, headers, query).status_code)
        finally:
            connection.close()

    def back():
        try:
            results.append(_back(Client(), checkout, payment_id=str(payment_id)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=notification), threading.Thread(target=back)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(results) == [200, 200]
    assert Payment.objects.count() == 1
    assert Message.objects.filter(kind=Kind.PAYMENT_RECEIPT).count() == 1
    assert booking.inquiry.events.filter(kind="payment").count() == 1


def test_the_database_refuses_a_provider_payment_twice(providers):
    booking = _booking()
    row = {"booking": booking, "amount": 10, "paid_on": timezone.localdate(), "method": "paypal"}
    Payment.objects.create(**row, provider_reference="3C6000")
    with pytest.raises(IntegrityError):
        Payment.objects.create(**row, provider_reference="3C6000")


# --- The pay button's own input ------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["324.99", "0", "-5", "1e9", "abc", "100000000.00", ""])
def test_pay_refuses_an_amount_other_than_what_is_due(client, providers, amount):
    booking = _booking()
    page, response = _pay(client, booking, "paypal", amount=amount or " ")
    assert response.status_code == 302 and response["Location"] == page + "#pay"
    assert not Checkout.objects.exists()


def test_a_cancelled_booking_cannot_be_paid(client, providers):
    from bookings import services

    booking = _booking()
    page = _page(booking)
    services.cancel(booking=booking)
    signed = page.rstrip("/").rsplit("/", 1)[1]
    url = reverse("payments:pay", kwargs={"signed": signed, "provider": "paypal"})
    assert client.post(url, {"amount": "325.00"}).status_code == 404


# --- Settings -----------------------------------------------------------------------------------


def test_paypal_asks_for_one_token_and_keeps_it(client, providers, standin):
    standin.calls.clear()
    booking = _booking()
    _page_path, checkout = _paypal_checkout(client, booking, standin)
    standin.approve(checkout.provider_checkout_id)
    _back(client, checkout, token=checkout.provider_checkout_id)
    assert Payment.objects.count() == 1
    assert standin.calls.count(("POST", "/v1/oauth2/token")) == 1


def test_the_pay_redirect_is_allowed_by_form_action_only_for_enabled_providers(tmp_path):
    from tests.subprocesses import run_python

    show = (
        "from django.conf import settings; "
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    )
    base = {"DJANGO_SECRET_KEY": "s" * 50}
    paypal = {"PAYPAL_CLIENT_ID": "a", "PAYPAL_CLIENT_SECRET": "b", "PAYPAL_WEBHOOK_ID": "c"}
    result = run_python(
        "manage.py",
        "shell",
        "-c",
        show,
        env_overrides={**base, **paypal, "PAYPAL_ENV": "live"},
        tmp_path=tmp_path,
    )
    assert result.stdout.splitlines()[-1] == "[\"'self'\", 'https://www.paypal.com/']", (
        result.stderr
    )
    result = run_python("manage.py", "shell", "-c", show, env_overrides=base, tmp_path=tmp_path)
    assert result.stdout.splitlines()[-1] == "[\"'self'\"]", result.stderr
    result = run_python(
        "manage.py", "check", env_overrides={**base, "PAYPAL_ENV": "production"}, tmp_path=tmp_path
    )
    assert result.returncode != 0 and "PAYPAL_ENV must be sandbox or live" in result.stderr


def test_a_payment_after_the_hold_expired_is_recorded_and_staff_told(client, providers, standin):
    from bookings import services

    booking = _booking()
    _page_path, checkout = _paypal_checkout(client, booking, standin)
    standin.approve(checkout.provider_checkout_id)
    Booking.objects.filter(pk=booking.pk).update(hold_until=timezone.now())
    assert services.release_expired_holds() == [booking]
    body, headers = standin.paypal_event(
        "CHECKOUT.ORDER.APPROVED", standin.orders[checkout.provider_checkout_id]
    )
    assert _notify(client, "paypal", body, headers).status_code == 200
    assert Payment.objects.get().amount == Decimal("325.00")  # the traveller's money, on record
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    (flag,) = booking.inquiry.events.filter(kind="payment_flagged")
    assert "which is cancelled: book the seats again or refund it" in flag.text
    assert Message.objects.filter(
        kind=Kind.STAFF_NOTIFICATION, subject__startswith="A payment to check"
    ).exists()


# --- Amounts staff ask for ----------------------------------------------------------------------


def test_staff_ask_for_an_amount_the_traveller_pays_it_online(
    client, staff_client, providers, standin
):
    from payments.models import PaymentRequest

    booking = _booking()
    change = staff_client.get(booking.get_admin_url()).content.decode()
    add = reverse("admin:payments_paymentrequest_add")
    assert f'href="{add}?booking={booking.pk}"' in change
    too_much = staff_client.post(
        add, {"booking": booking.pk, "amount": "1300.01", "description": "x"}
    )
    assert "More than the balance (USD 1300.00)" in too_much.content.decode()
    response = staff_client.post(
        add, {"booking": booking.pk, "amount": "60", "description": "A horse"}
    )
    assert response.status_code == 302
    asked = PaymentRequest.objects.get()
    assert asked.created_by.username == "staff"

    page = _page(booking)
    html = client.get(page).content.decode()
    assert "Also asked: USD 60.00 for A horse" in html
    assert html.count("with PayPal</button>") == 2  # the deposit's, and the amount asked
    signed = page.rstrip("/").rsplit("/", 1)[1]
    url = reverse("payments:pay", kwargs={"signed": signed, "provider": "paypal"})
    # The amount must be the one asked; an id that is not an open request of this booking fails.
    assert client.post(url, {"amount": "61.00", "asked": asked.pk}).status_code == 302
    assert client.post(url, {"amount": "60.00", "asked": "x"}).status_code == 302
    assert not Checkout.objects.exists()
    response = client.post(url, {"amount": "60.00", "asked": asked.pk})
    assert response.status_code == 303
    checkout = Checkout.objects.get()
    assert checkout.request == asked
    unit = standin.orders[checkout.provider_checkout_id]["purchase_units"][0]
    assert unit["amount"]["value"] == "60.00" and unit["description"] == "A horse"
    standin.approve(checkout.provider_checkout_id)
    _back(client, checkout, token=checkout.provider_checkout_id)
    assert Payment.objects.get().amount == Decimal("60.00")
    html = client.get(page).content.decode()
    assert "Also asked" not in html
    assert "The deposit to pay now: USD 265.00" in html  # 325 less the 60 paid


# --- manage.py payments_check (against the stand-in here; a developer's sandbox for real) ------


def test_payments_check_opens_a_sandbox_payment_and_reads_it_back(providers, standin):
    import io

    from django.core.management import call_command

    providers.MERCADOPAGO_ACCESS_TOKEN = pp.MP_SANDBOX_TOKEN
    out = io.StringIO()
    call_command("payments_check", stdout=out)
    text = out.getvalue()
    assert "PayPal: pay USD 1.00 at " in text and "Mercado Pago: pay PEN 1.00 at " in text
    assert "/sandbox/redirect?pref_id=" in text  # a TEST- token pays on the sandbox
    order_id = text.split("--fetch paypal:", 1)[1].split()[0]
    standin.approve(order_id)
    out = io.StringIO()
    call_command("payments_check", "--fetch", f"paypal:{order_id}", stdout=out)
    assert out.getvalue().startswith("PayPal: completed USD 1.00")
    assert not Checkout.objects.exists() and not Payment.objects.exists()


def test_payments_check_refuses_live_credentials(providers):
    from django.core.management import CommandError, call_command

    providers.PAYPAL_ENV = "live"
    with pytest.raises(CommandError, match="live credentials"):
        call_command("payments_check")


def test_a_second_payment_for_one_checkout_is_flagged_once_not_counted(client, providers, standin):
    booking = _booking()
    _rate()
    _pay(client, booking, "mercadopago")
    checkout = Checkout.objects.get()
    first = standin.mp_pay(checkout.provider_checkout_id)
    second = standin.mp_pay(checkout.provider_checkout_id)  # the same preference paid again
    for payment_id in (first, second, second):
        query, body, headers = standin.mp_notification(payment_id)
        assert _notify(client, "mercadopago", body, headers, query).status_code == 200
    assert Payment.objects.get().provider_reference == str(first)
    flagged = Checkout.objects.get(status=Checkout.Status.FLAGGED)
    assert flagged.provider_payment_id == str(second) and flagged.received == "PEN 1218.75"
    assert booking.inquiry.events.filter(kind="payment_flagged").count() == 1
    # A refund of the second payment does not touch the first one's record.
    standin.mp_refund(second, 1218.75)
    query, body, headers = standin.mp_notification(second)
    _notify(client, "mercadopago", body, headers, query)
    assert Payment.objects.get().refunded == 0
