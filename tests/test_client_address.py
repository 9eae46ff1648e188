"""The client's address behind trusted proxies (operator_site.client_ip.client_ip): what the rate
limit counts and what django-axes locks staff logins out under."""

import ipaddress

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.urls import reverse

from operator_site.client_ip import client_ip


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.5:4711", "203.0.113.5"),
        ("[2001:db8::5]:4711", "2001:db8::5"),
        ("[2001:db8::5]", "2001:db8::5"),
        ("2001:db8::5", "2001:db8::5"),
        ("203.0.113.5", "203.0.113.5"),
        ("6.6.6.6, 203.0.113.5:4711", "203.0.113.5"),
        ("6.6.6.6:1, [2001:db8::5]:4711, 10.0.0.3:80", "2001:db8::5"),
    ],
)
def test_forwarded_addresses_with_ports_name_the_client(rf, behind_proxy, forwarded, expected):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
    assert get_client_ip_address(request) == expected  # axes asks the same function


@pytest.mark.parametrize(
    "forwarded",
    ["203.0.113.5:http", "[2001:db8::5]:47x1", "[2001:db8::5", "not-an-address", "1.2.3.4:5:6"],
)
def test_garbage_in_the_header_leaves_the_proxys_address(rf, behind_proxy, forwarded):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == "10.0.0.2"


def test_a_header_from_an_untrusted_client_is_ignored_even_with_ports(rf, settings):
    settings.TRUSTED_PROXIES = []
    request = rf.get("/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.5:4711")
    assert client_ip(request) == "198.51.100.9"


@pytest.mark.django_db
def test_staff_lockout_behind_a_proxy_is_per_client_not_for_everyone(
    client, settings, behind_proxy, django_user_model
):
    # Staff without a second factor: this test is about addresses, not codes.
    django_user_model.objects.create_user(
        "maria", password="correct-horse-battery-42", is_staff=True
    )

    def login(password, forwarded):
        return client.post(
            reverse("admin:login"),
            {"username": "maria", "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for port in range(settings.AXES_FAILURE_LIMIT):
        login("wrong", f"[2001:db8::5]:{4000 + port}")  # new port on each connection
    assert login("correct-horse-battery-42", "[2001:db8::5]:5999").status_code == 429
    assert AccessAttempt.objects.get().ip_address == "2001:db8::5"
    # Another traveller of the same proxy is not locked out with them.
    response = login("correct-horse-battery-42", "203.0.113.5:4711")
    assert response.status_code == 302
