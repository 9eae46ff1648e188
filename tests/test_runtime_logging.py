"""One log line per request error, and no personal data in it."""

import io
import logging
import re

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import path

from operator_site.logs import OneLineFormatter
from operator_site.urls import urlpatterns as site_urlpatterns


def _fails_with_personal_data(request):
    raise IntegrityError(
        "duplicate key: Key (email)=(ana.quispe@example.com) already exists\nDETAIL"
    )


# The site's patterns themselves, not include()d: Django refuses i18n_patterns in an include.
urlpatterns = [path("boom/", _fails_with_personal_data), *site_urlpatterns]


@pytest.fixture
def request_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(OneLineFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


@pytest.mark.urls("tests.test_runtime_logging")
def test_a_request_error_is_one_line_without_the_exception_text(request_log):
    response = Client(raise_request_exception=False).get("/boom/?email=ana.quispe@example.com")
    assert response.status_code == 500
    lines = request_log.getvalue().splitlines()
    assert len(lines) == 1
    line = lines[0]
    assert "ERROR django.request Internal Server Error: /boom/" in line
    assert "exception=IntegrityError" in line
    assert "test_runtime_logging.py" in line
    assert "ana.quispe" not in line


@pytest.mark.urls("tests.test_runtime_logging")
def test_a_500_page_leaks_nothing(request_log):
    response = Client(raise_request_exception=False).get("/boom/")
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    for secret in ("ana.quispe", "IntegrityError", "Traceback", "test_runtime_logging"):
        assert secret not in body


def test_a_not_found_is_one_warning_line_even_with_a_newline_in_the_path(request_log, db):
    Client().get("/no/such/page%0Aforged%20line/")
    lines = request_log.getvalue().splitlines()
    assert len(lines) == 1
    assert "WARNING django.request Not Found: /no/such/page" in lines[0]


@pytest.fixture
def inquiry_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(OneLineFormatter())
    loggers = [logging.getLogger("inquiries"), logging.getLogger("outbox")]
    for logger in loggers:
        logger.addHandler(handler)
    yield stream
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.mark.django_db
def test_an_inquiry_logs_stored_and_notified_with_its_id_only(
    client, inquiry_log, django_capture_on_commit_callbacks
):
    from inquiries.models import Inquiry
    from tests.factories import inquiry_post_data, send_outbox

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact/", inquiry_post_data(), REMOTE_ADDR="198.51.100.23")
    assert response.status_code == 302
    pk = Inquiry.objects.get().pk
    send_outbox()  # cron's next minute
    lines = inquiry_log.getvalue().splitlines()
    assert any(f"inquiry {pk} stored" in line for line in lines)
    assert any(f"(staff_notification, inquiry {pk}) sent" in line for line in lines)
    assert any(f"(confirmation, inquiry {pk}) sent" in line for line in lines)
    for personal in ("Ana Quispe", "ana@example.com", "198.51.100.23", "984 123456"):
        assert personal not in inquiry_log.getvalue()


@pytest.mark.django_db
def test_suspected_spam_or_a_limited_request_logs_no_address(client, inquiry_log, settings):
    from tests.factories import inquiry_post_data

    client.post("/contact/", inquiry_post_data(website="http://spam"), REMOTE_ADDR="198.51.100.23")
    settings.INQUIRY_RATE_LIMIT = (1, 3600)
    for _ in range(2):
        client.post("/contact/", inquiry_post_data(), REMOTE_ADDR="198.51.100.24")
    text = inquiry_log.getvalue()
    assert re.search(r"inquiry \d+ stored as suspected spam \(honeypot\)", text)
    assert "inquiry refused: rate limit" in text
    for personal in ("ana@example.com", "198.51.100.23", "198.51.100.24"):
        assert personal not in text
