"""The request form: a traveller's valid request is stored once; every bad input is refused
next to its field and stores nothing."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inquiries.models import Inquiry
from tests.factories import inquiry_post_data, make_trek, make_walk

pytestmark = pytest.mark.django_db


def _url(trek=None):
    if trek is None:
        return reverse("inquiries:contact")
    return reverse("inquiries:trek_request", kwargs={"slug": trek.slug})


def test_trek_page_shows_the_request_form_with_the_trek_set(client):
    trek = make_trek(group_size_max=8)
    body = client.get(trek.get_absolute_url()).content.decode()
    assert f'action="{_url(trek)}#request-information"' in body
    assert 'name="travel_date"' in body
    assert 'max="60"' in body  # the hard bound; the trek's largest group is in the help
    assert "Up to 8 in one group; a larger group is welcome too" in body
    assert "How did you hear about us?" in body
    assert 'name="csrfmiddlewaretoken"' in body


def test_valid_request_from_trek_page_is_stored_once_and_redirects(
    client, django_capture_on_commit_callbacks
):
    trek = make_trek(name="Lares Trek")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(trek),
            inquiry_post_data(),
            HTTP_USER_AGENT="TestBrowser/1.0",
            HTTP_REFERER="http://testserver" + trek.get_absolute_url(),
        )
    assert response.status_code == 302
    assert response["Location"].startswith("/contact/thanks/")
    inquiry = Inquiry.objects.get()
    assert inquiry.trek == trek
    assert inquiry.name == "Ana Quispe"
    assert inquiry.group_size == 2
    assert inquiry.status == Inquiry.Status.NEW
    assert inquiry.user_agent == "TestBrowser/1.0"
    assert inquiry.source_url.endswith(trek.get_absolute_url())
    assert inquiry.client_ip == "127.0.0.1"


def test_general_contact_form_stores_a_request_without_trek(client):
    response = client.post(_url(), inquiry_post_data(group_size="30"))
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.trek is None
    assert inquiry.group_size == 30


def test_contact_page_renders_the_form(client):
    response = client.get(_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert f'action="{_url()}#request-information"' in body
    assert 'max="60"' in body


def test_get_on_trek_request_url_goes_to_the_trek_page_form(client):
    trek = make_trek()
    response = client.get(_url(trek))
    assert response.status_code == 302
    assert response["Location"] == trek.get_absolute_url() + "#request-information"


def test_thank_you_page_repeats_what_was_sent_escaped(client):
    trek = make_trek(name="Lares Trek")
    data = inquiry_post_data(
        name="<b>Bold</b> Ana", message="<script>alert(1)</script>\nSecond line"
    )
    response = client.post(_url(trek), data, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; Ana" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Second line" in body
    assert "<script>alert(1)</script>" not in body
    assert "Lares Trek" in body
    assert "ana@example.com" in body
    assert "within one working day" in body
    assert response.headers["Cache-Control"].startswith("max-age=0")
    assert "private" in response.headers["Cache-Control"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


# --- Bad input: an error next to the field, and nothing stored --------------------------------

TODAY = timezone.localdate()


def _years_ahead(years, plus_days=0):
    try:
        day = TODAY.replace(year=TODAY.year + years)
    except ValueError:
        day = TODAY.replace(year=TODAY.year + years, day=28)
    return (day + datetime.timedelta(days=plus_days)).isoformat()


BAD_INPUT = [
    ("travel_date", (TODAY - datetime.timedelta(days=1)).isoformat(), "cannot be in the past"),
    ("travel_date", _years_ahead(3, plus_days=1), "within 3 years"),
    ("travel_date", "31/12/2099", "Enter a valid date"),
    ("group_size", "0", "at least 1 person"),
    ("group_size", "-1", "at least 1 person"),
    ("group_size", "-2", "at least 1 person"),
    ("group_size", "61", "Up to 60 people in one request"),  # the hard bound, not the trek's 12
    ("group_size", "1000", "Up to 60 people in one request"),
    ("group_size", "two", "Enter a whole number"),
    ("group_size", "", "This field is required"),
    ("email", "ana@", "Enter a valid email address"),
    ("email", "ana@example.com\r\nBcc: victim@example.com", "invisible character (U+000D)"),
    ("name", "A" * 101, "at most 100 characters"),
    ("name", "", "This field is required"),
    ("country", "P" * 81, "at most 80 characters"),
    ("phone", "+51 " + "9" * 27, "at most 30 characters"),
    ("phone", "call me maybe", "Use digits, spaces"),
    ("message", "m" * 5001, "at most 5000 characters"),
    ("name", "Ana\r\nBcc: victim@example.com", "keep this on one line"),
    ("name", "Ana\nQuispe", "keep this on one line"),
    ("country", "Peru\u2028Lima", "keep this on one line"),
    ("phone", "+51 984\x00123456", "Null characters are not allowed"),
    ("name", "Ana\x07", "control character"),
    ("country", "Peru\x1b[31m", "control character"),
    ("message", "Hello\x0bthere", "control character"),
    ("name", "Ana \u202egnp.exe", "text-direction character"),
    ("message", "Pay to \u2066IBAN\u2069", "text-direction character"),
    # Invisible characters in the address (issue 12): copy-paste's left-to-right mark, a
    # right-to-left override that makes admin show another address, a zero-width space that
    # mail servers drop; and a domain that is no IDNA name.
    ("email", "ana@gmail.com\u200e", "invisible character (U+200E)"),
    ("email", "ana@\u202emoc.liamg", "invisible character (U+202E)"),
    ("email", "ana\u200b@gmail.com", "invisible character (U+200B)"),
    ("email", "ana@gma\u200bil.com", "invisible character (U+200B)"),
    ("email", "ana@gmail.com\u2060", "invisible character (U+2060)"),
    ("email", "\ufeffana@gmail.com", "invisible character (U+FEFF)"),
    ("email", "ana@gmail.com\x07", "invisible character (U+0007)"),
    ("email", "ana@-gmail-.com", "not a valid domain name"),
    # A name of nothing visible (issue 12).
    ("name", "\u200b\u200b\u200b", "write your name"),
    ("name", "\u200d \u200c", "write your name"),
    ("name", "...", "write your name"),
    ("lead_source", "billboard", "Select a valid choice"),
    ("lead_source", "", "This field is required"),
]


@pytest.mark.parametrize(("field", "value", "error"), BAD_INPUT)
def test_bad_input_is_refused_next_to_the_field_and_nothing_stored(client, field, value, error):
    trek = make_trek(group_size_max=12)
    response = client.post(_url(trek), inquiry_post_data(**{field: value}))
    assert response.status_code == 200
    assert Inquiry.objects.count() == 0
    form = response.context["inquiry_form"]
    assert field in form.errors, form.errors
    assert any(error in message for message in form.errors[field]), form.errors[field]
    body = response.content.decode()
    # The error is tied to its input for screen readers.
    assert f'aria-describedby="id_{field}' in body or f'id="id_{field}_error"' in body
    assert 'aria-invalid="true"' in body


def test_more_than_60_people_is_refused_without_a_trek(client):
    response = client.post(_url(), inquiry_post_data(group_size="61"))
    assert response.status_code == 200
    assert response.context["inquiry_form"].errors["group_size"] == [
        "Up to 60 people in one request; for a larger party, please call or write to us."
    ]
    assert Inquiry.objects.count() == 0


def test_date_three_years_ahead_is_accepted(client):
    response = client.post(_url(), inquiry_post_data(travel_date=_years_ahead(3)))
    assert response.status_code == 302
    assert Inquiry.objects.count() == 1


def test_today_in_cusco_is_accepted_even_when_utc_is_tomorrow(client, settings):
    # 23:30 in Cusco is already the next day in UTC: "today" is Cusco's.
    from unittest import mock

    cusco_late = datetime.datetime(2026, 7, 1, 4, 30, tzinfo=datetime.UTC)  # 23:30 on 30 June
    with mock.patch("django.utils.timezone.now", return_value=cusco_late):
        response = client.post(_url(), inquiry_post_data(travel_date="2026-06-30"))
    assert response.status_code == 302
    assert Inquiry.objects.get().travel_date == datetime.date(2026, 6, 30)


def test_unknown_trek_slug_is_a_404(client):
    response = client.post(reverse("inquiries:trek_request", kwargs={"slug": "nowhere"}), {})
    assert response.status_code == 404
    assert Inquiry.objects.count() == 0


def test_unpublished_trek_is_a_404(client):
    trek = make_trek(is_published=False)
    response = client.post(_url(trek), inquiry_post_data())
    assert response.status_code == 404
    assert Inquiry.objects.count() == 0


def test_invalid_form_on_trek_page_keeps_what_was_typed(client):
    trek = make_trek(name="Lares Trek", group_size_max=10)
    response = client.post(
        _url(trek), inquiry_post_data(name="José <Pepe>", group_size="99", country="Chile")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in body and "Lares Trek" in body  # the trek page itself, not a bare form
    assert 'value="José &lt;Pepe&gt;"' in body
    assert 'value="Chile"' in body
    assert 'value="99"' in body
    assert "Please check the field marked below" in body
    assert "Up to 60 people in one request" in body


def test_post_without_csrf_token_is_a_403_in_the_site_style(client):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(_url(), inquiry_post_data())
    assert response.status_code == 403
    body = response.content.decode()
    assert "We could not accept this form" in body
    assert "+51 914 939913" in body  # the site's header
    assert Inquiry.objects.count() == 0


# --- Query counts ------------------------------------------------------------------------------


def test_request_form_adds_no_query_to_the_trek_page(rf):
    from django.template import Context, Template

    trek = make_walk(make_trek(group_size_max=9), 3)
    trek = type(trek).objects.get(pk=trek.pk)  # as the trek page has it: loaded, nothing cached
    request = rf.get(trek.get_absolute_url())
    template = Template("{% load inquiry_tags %}{% inquiry_form trek %}")
    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"trek": trek, "request": request}))
    assert 'name="form_token"' in html and "Up to 9 in one group;" in html
    assert len(queries) == 0, [q["sql"] for q in queries]


def test_each_visitor_of_a_stored_page_gets_a_form_token_of_their_own(client):
    from inquiries.tokens import read_form_token

    trek = make_trek(group_size_max=9)
    pages = [Client().get(trek.get_absolute_url()).content.decode() for _ in range(2)]

    tokens = [re.search(r'name="form_token" value="([^"]+)"', page).group(1) for page in pages]
    assert tokens[0] != tokens[1]
    assert all(read_form_token(token) is not None for token in tokens)
    masked = [page.replace(token, "") for page, token in zip(pages, tokens, strict=True)]
    strip_csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip_csrf.sub("", masked[0]) == strip_csrf.sub("", masked[1])
    assert "Up to 9 in one group;" in pages[0]


def test_trek_page_with_the_form_keeps_its_query_count(client):
    trek = make_walk(make_trek(), 3)
    trek.alternatives.add(make_walk(make_trek(), 2))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(trek.get_absolute_url())
    assert 'name="form_token"' in response.content.decode()
    # The foundation's trek page makes these queries; the form adds none.
    assert len(queries) <= 12, [q["sql"][:80] for q in queries]


def test_valid_post_takes_a_bounded_number_of_queries(client, django_capture_on_commit_callbacks):
    trek = make_trek()
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(_url(trek), inquiry_post_data())
    assert response.status_code == 302
    # The rate limit's window for a new client (UPDATE of none, INSERT, a look for ended ones);
    # the trek; its departures (the choices, and the seats a chosen one has left); Django's
    # model validation of three check constraints (a SELECT each); the INSERT; then the
    # e-mails, queued in the same transaction: the staff notification's outbox row, the count
    # of confirmations to the address (an UPDATE that finds no row for today yet, then its
    # INSERT) and the confirmation's row; the e-mails' operator's details (the content version
    # and the record, read once per version). Nothing is sent: send_outbox does that. The
    # test's own transaction adds savepoints.
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 15, "\n".join(q[:150] for q in statements)
    assert len(queries) <= 31, "\n".join(q["sql"][:150] for q in queries)


def test_second_try_after_an_error_records_the_trek_page_as_source(client):
    trek = make_trek()
    client.post(_url(trek), inquiry_post_data(), HTTP_REFERER="http://testserver" + _url(trek))
    assert Inquiry.objects.get().source_url == "http://testserver" + trek.get_absolute_url()


@pytest.fixture
def form_template(settings, tmp_path):
    """Put a changed copy of inquiries/_form.html in front of the app's: `form_template(extra)`
    adds `extra` inside its <form>."""
    from pathlib import Path

    stock = (Path(settings.BASE_DIR) / "inquiries/templates/inquiries/_form.html").read_text()

    def override(extra):
        (tmp_path / "inquiries").mkdir(exist_ok=True)
        changed = stock.replace("{% csrf_token %}", "{% csrf_token %}" + extra, 1)
        (tmp_path / "inquiries" / "_form.html").write_text(changed)
        engine = settings.TEMPLATES[0]
        settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]

    return override


def test_a_form_printing_the_visitor_is_never_shown_to_another(form_template, client, staff_client):
    """A form template that prints the user or a CSP nonce: the staff page is never stored, and
    the public page, which read a nonce, is rendered for each visitor."""
    form_template('<p class="who">{{ request.user.username }}|{{ request.csp_nonce }}</p>')
    trek = make_trek()

    staff_page = staff_client.get(trek.get_absolute_url()).content.decode()
    public_pages = [Client().get(trek.get_absolute_url()).content.decode() for _ in range(2)]

    who = re.compile(r'<p class="who">([^<]*)</p>')
    assert who.search(staff_page).group(1).startswith("staff|")
    ana, ben = (who.search(page).group(1) for page in public_pages)
    assert ana.startswith("|") and ben.startswith("|") and ana != ben


def test_a_form_template_printing_the_csrf_token_twice_gets_it_twice(form_template):
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import Client

    form_template('<meta name="csrf" content="{{ csrf_token }}">')
    trek = make_trek()
    for visitor in (Client(), Client()):
        html = visitor.get(trek.get_absolute_url()).content.decode()
        assert "placeholder" not in html
        token = re.search(r'<meta name="csrf" content="([^"]+)">', html).group(1)
        assert _unmask_cipher_token(token) == visitor.cookies["csrftoken"].value


def test_each_treks_fresh_form_posts_to_its_own_trek(client):
    """Two treks with the same group size share nothing but the form's fields."""
    lares, salkantay = make_trek(group_size_max=12), make_trek(group_size_max=12)
    for trek in (lares, salkantay, lares):
        html = client.get(trek.get_absolute_url()).content.decode()
        action = re.search(r'<form class="inquiry-form" method="post" action="([^"#]+)', html)
        assert action.group(1) == reverse("inquiries:trek_request", kwargs={"slug": trek.slug})


def test_zero_and_minus_one_people_get_the_same_one_message(client):
    errors = [
        client.post(_url(), inquiry_post_data(group_size=value)).context["inquiry_form"].errors
        for value in ("0", "-1")
    ]
    assert errors[0]["group_size"] == errors[1]["group_size"] == ["A group is at least 1 person."]


# --- The CSRF failure page keeps what was typed (issue 12, item 3) ----------------------------


def test_csrf_failure_shows_back_what_was_typed_escaped(client):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.get(_url())  # the CSRF cookie; then the token in the form is stale or missing
    data = inquiry_post_data(
        name="Kiri <b>Tane</b>", message="We are four.\n<script>alert(1)</script>"
    )
    response = browser.post(_url(), {**data, "csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403
    body = response.content.decode()
    assert "What you wrote, so that nothing is lost" in body
    assert "Kiri &lt;b&gt;Tane&lt;/b&gt;" in body
    assert "We are four.<br>&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)</script>" not in body
    assert "no-store" in response.headers["Cache-Control"]
    assert Inquiry.objects.count() == 0


def test_csrf_failure_without_a_cookie_shows_back_what_was_typed(client):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(_url(), inquiry_post_data(name="Kiri Tane"))
    assert response.status_code == 403
    assert "Kiri Tane" in response.content.decode()


def test_csrf_failure_from_another_site_shows_nothing_back(client, settings):
    """A POST from another site must not be able to put its text on our pages."""
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        _url(),
        inquiry_post_data(name="Call +1 900 555 0100 for your refund"),
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "We could not accept this form" in body
    assert "refund" not in body


def test_csrf_failure_never_shows_back_a_password(client, django_user_model):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/admin/login/", {"username": "staff", "password": "hunter2-secret"}
    )
    assert response.status_code == 403
    assert "hunter2-secret" not in response.content.decode()


# --- Database unwritable: a 503 that keeps what was typed (issue 12, item 2) -------------------


READ_ONLY = {
    "sqlite": ("PRAGMA query_only = ON", "PRAGMA query_only = OFF"),
    "postgresql": ("SET default_transaction_read_only = on", "RESET default_transaction_read_only"),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("trek_page", [False, True])
def test_database_refusing_writes_gives_a_503_with_everything_typed(client, trek_page):
    """The database answers but refuses every write (here: put in read-only mode for real;
    tests/test_full_disk.py fills a real disk)."""
    url = _url(make_trek(name="Lares Trek")) if trek_page else _url()
    data = inquiry_post_data(name="Kiri <Tane>", message="Four of us.\nIn May?")
    on, off = READ_ONLY[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(on)
    try:
        response = client.post(url, data)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(off)
    assert response.status_code == 503
    body = response.content.decode()
    assert "We could not save your request just now" in body
    assert "Kiri &lt;Tane&gt;" in body
    assert "Four of us.<br>In May?" in body
    assert "ana@example.com" in body and "+51 984 123456" in body
    assert "+51 914 939913" in body  # the operator's phone
    assert 'href="https://wa.me/51914939913"' in body  # and WhatsApp
    assert "readonly" not in body and "read-only transaction" not in body
    assert response["Retry-After"] == "300"
    assert "no-store" in response.headers["Cache-Control"]
    assert Inquiry.objects.count() == 0


def test_the_fresh_forms_fields_are_shared_only_between_forms_that_are_alike(client):
    """crispy's HTML of a fresh form is cached per language, trek, group size and day: a trek
    for 4 never shows the fields of a trek for 9, nor the other way round."""
    small, large = make_trek(group_size_max=4), make_trek(group_size_max=9)
    for trek, other in ((small, large), (large, small), (small, large)):
        html = client.get(trek.get_absolute_url()).content.decode()
        assert f"Up to {trek.group_size_max} in one group;" in html
        assert f"Up to {other.group_size_max} in one group;" not in html
