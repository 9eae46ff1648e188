"""The request form's rate limit: a fixed window per client address, counted in the database
(operator_site.ratelimit), that really lasts its period. The clock is moved, never slept on."""

import datetime
import ipaddress

import pytest
from django.utils import timezone

from inquiries.models import Inquiry
from operator_site import ratelimit
from operator_site.models import RateLimitWindow
from tests.factories import inquiry_post_data

pytestmark = pytest.mark.django_db

CONTACT = "/contact/"


@pytest.fixture
def clock(monkeypatch):
    """The rate limit's clock, set by the test: clock.move(minutes=6)."""

    class Clock:
        moment = timezone.now()

        def move(self, **delta):
            self.moment += datetime.timedelta(**delta)

    fixed = Clock()
    monkeypatch.setattr(ratelimit, "now", lambda: fixed.moment)
    return fixed


def _post(client, **extra):
    return client.post(CONTACT, inquiry_post_data(), **extra)


def test_six_minutes_after_the_tenth_request_the_eleventh_is_still_refused(client, clock):
    assert [_post(client).status_code for _ in range(10)] == [302] * 10
    clock.move(minutes=6)
    assert _post(client).status_code == 429
    clock.move(minutes=50)  # 56 minutes after the first: still the same hour
    assert _post(client).status_code == 429
    assert Inquiry.objects.count() == 10


def test_a_new_window_starts_an_hour_after_the_first_request(client, clock):
    for _ in range(11):
        _post(client)
    clock.move(minutes=60, seconds=1)
    assert [_post(client).status_code for _ in range(11)] == [302] * 10 + [429]
    assert Inquiry.objects.count() == 20


def test_the_window_is_not_pushed_back_by_refused_attempts(client, settings, clock):
    settings.INQUIRY_RATE_LIMIT = (1, 600)
    assert _post(client).status_code == 302
    for _ in range(5):
        clock.move(minutes=1)
        assert _post(client).status_code == 429
    clock.move(minutes=5, seconds=1)  # 10 minutes after the first, whatever came between
    assert _post(client).status_code == 302


def test_each_address_has_its_own_window(client, settings, clock):
    settings.INQUIRY_RATE_LIMIT = (1, 3600)
    assert _post(client, REMOTE_ADDR="198.51.100.1").status_code == 302
    assert _post(client, REMOTE_ADDR="198.51.100.1").status_code == 429
    assert _post(client, REMOTE_ADDR="198.51.100.2").status_code == 302


def test_ended_windows_are_deleted_when_a_new_client_comes(client, settings, clock):
    settings.INQUIRY_RATE_LIMIT = (5, 3600)
    for n in range(3):
        _post(client, REMOTE_ADDR=f"198.51.100.{n}")
    assert RateLimitWindow.objects.count() == 3
    clock.move(hours=2)
    _post(client, REMOTE_ADDR="198.51.100.200")
    assert list(RateLimitWindow.objects.values_list("key", "hits")) == [("198.51.100.200", 1)]


def test_a_trusted_proxys_clients_with_ports_are_counted_apart(client, settings, clock):
    """Ports dropped: the same client on a new connection is the same bucket, and two clients
    behind one proxy are two buckets, not the proxy's one (issue 12, item 10)."""
    settings.INQUIRY_RATE_LIMIT = (1, 3600)
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.0/8")]
    assert _post(client, HTTP_X_FORWARDED_FOR="203.0.113.5:4711").status_code == 302
    assert _post(client, HTTP_X_FORWARDED_FOR="203.0.113.5:4712").status_code == 429
    assert _post(client, HTTP_X_FORWARDED_FOR="[2001:db8::5]:4711").status_code == 302
    assert _post(client, HTTP_X_FORWARDED_FOR="[2001:db8::5]:5000").status_code == 429
    assert sorted(Inquiry.objects.values_list("client_ip", flat=True)) == [
        "2001:db8::5",
        "203.0.113.5",
    ]
