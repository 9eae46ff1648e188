"""One log line per request error, and no personal data in it."""

import io
import logging

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import include, path

from operator_site.logs import OneLineFormatter


def _fails_with_personal_data(request):
    raise IntegrityError(
        "duplicate key: Key (email)=(ana.quispe@example.com) already exists\nDETAIL"
    )


urlpatterns = [path("boom/", _fails_with_personal_data), path("", include("operator_site.urls"))]


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
