"""Told of errors (issue 26, item 2): DJANGO_ADMINS receive every server error by e-mail,
without anything the traveller posted; SENTRY_DSN sends the same to an error tracker, without
personal data."""

import http.server
import json
import threading
import zlib

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from operator_site.settings import env_addresses
from tests.subprocesses import run_python

pytestmark = pytest.mark.django_db

SECRET = "Ana Quispe, passport X1234567"


@pytest.fixture
def failing_site(settings):
    settings.ROOT_URLCONF = "tests.urls_failing"
    settings.ADMINS = [("Lucía", "lucia@operator.example"), ("", "ops@operator.example")]
    return Client(raise_request_exception=False)


def test_a_server_error_is_emailed_to_the_admins_without_what_was_posted(failing_site):
    failing_site.cookies["sessionid"] = "session-cookie-value"
    response = failing_site.post("/fail/?page=2", {"name": SECRET, "email": "ana@example.com"})

    assert response.status_code == 500
    assert len(mail.outbox) == 1
    report = mail.outbox[0]
    assert report.to == ["lucia@operator.example", "ops@operator.example"]
    assert report.subject.startswith("[site] ERROR")
    assert "/fail/" in report.subject
    assert "RuntimeError at /fail/\nfailed on purpose" in report.body
    assert "name = '********************'" in report.body  # the field's name, not its value
    for leaked in ("Ana Quispe", "X1234567", "ana@example.com", "session-cookie-value"):
        assert leaked not in report.body, leaked
        assert leaked not in report.subject, leaked
    assert "page" in report.body  # the query string stays: it says which page failed


def test_nobody_is_emailed_when_no_admins_are_set(failing_site, settings):
    settings.ADMINS = []
    assert failing_site.post("/fail/", {"name": SECRET}).status_code == 500
    assert mail.outbox == []


def test_a_page_not_found_is_not_an_error_to_email(failing_site):
    assert failing_site.get("/no-such-page/").status_code == 404
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", []),
        ("Lucía Mamani <lucia@example.com>", [("Lucía Mamani", "lucia@example.com")]),
        (
            "Lucía <lucia@example.com>, ops@example.com",
            [("Lucía", "lucia@example.com"), ("", "ops@example.com")],
        ),
    ],
)
def test_django_admins_is_read_as_names_and_addresses(monkeypatch, value, expected):
    monkeypatch.setenv("DJANGO_ADMINS", value)
    assert env_addresses("DJANGO_ADMINS") == expected


@pytest.mark.parametrize(
    "value", ["lucia", "Lucía <lucia>", "lucia@example.com; ops@example.com", "Lucía <>", ","]
)
def test_a_bad_django_admins_is_refused_naming_it(monkeypatch, value):
    monkeypatch.setenv("DJANGO_ADMINS", value)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ADMINS"):
        env_addresses("DJANGO_ADMINS")


def test_a_bad_django_admins_stops_the_site(tmp_path):
    result = run_python(
        "manage.py",
        "check",
        env_overrides={"DJANGO_SECRET_KEY": "s" * 50, "DJANGO_ADMINS": "not an address"},
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "DJANGO_ADMINS" in result.stderr


class _Tracker(http.server.BaseHTTPRequestHandler):
    """A stand-in error tracker: keeps the envelopes the SDK posts (Sentry's HTTP protocol)."""

    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
        elif encoding == "br":  # the SDK's choice when brotli is installed (whitenoise's is)
            import brotli

            body = brotli.decompress(body)
        self.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_with_sentry_dsn_an_error_reaches_the_tracker_without_personal_data(tmp_path):
    pytest.importorskip("sentry_sdk")
    # Bound here and kept bound until the test ends: no other run can take the port meanwhile.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Tracker)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    script = (
        "import django, sentry_sdk; django.setup()\n"
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "from django.test.utils import setup_test_environment, override_settings\n"
        "setup_test_environment()\n"
        "plain = {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}\n"
        "storages = {**settings.STORAGES, 'staticfiles': plain}  # no collectstatic here\n"
        "with override_settings(ROOT_URLCONF='tests.urls_failing', STORAGES=storages):\n"
        f"    r = Client(raise_request_exception=False).post('/fail/', {{'name': {SECRET!r}}})\n"
        "assert r.status_code == 500, r.status_code\n"
        "sentry_sdk.flush(10)\n"
    )
    try:
        result = run_python(
            "-c",
            script,
            env_overrides={
                "DJANGO_SECRET_KEY": "s" * 50,
                "DJANGO_SETTINGS_MODULE": "operator_site.settings",
                "SENTRY_DSN": f"http://publickey@127.0.0.1:{port}/1",
            },
            tmp_path=tmp_path,
        )
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    events = [body for path, body in _Tracker.received if path.startswith("/api/1/")]
    assert events, "no event reached the tracker"
    sent = b"".join(events).decode()
    assert "failed on purpose" in sent
    assert "Ana Quispe" not in sent and "X1234567" not in sent
    items = [json.loads(line) for line in sent.splitlines() if line.startswith("{")]
    event = next(item for item in items if "exception" in item)
    assert "user" not in event or "ip_address" not in event.get("user", {})
