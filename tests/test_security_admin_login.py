"""Admin login: locked out after a few failures per user name and address; strong passwords."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from operator_site.second_factor import enrol

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-42"


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_superuser("maria", "maria@example.com", PASSWORD)
    _totp, user.recovery_codes = enrol(user)
    return user


def _login(client, password, *, username="maria", address="203.0.113.7"):
    """The admin login with a fresh recovery code of maria's as the second factor."""
    from django_otp.plugins.otp_static.models import StaticToken

    code = StaticToken.objects.filter(device__user__username="maria").first()
    return client.post(
        reverse("admin:login"),
        {
            "username": username,
            "password": password,
            "otp_token": code.token if code else "",
            "next": reverse("admin:index"),
        },
        REMOTE_ADDR=address,
    )


def test_a_right_password_logs_in(client, staff):
    response = _login(client, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_five_failures_lock_out_even_the_right_password(client, settings, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "wrong-password").status_code == 200  # the form again
    response = _login(client, "wrong-password")
    assert response.status_code == 429
    response = _login(client, PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many failed logins" in body
    assert "maria" not in body
    assert AccessAttempt.objects.get().failures_since_start >= settings.AXES_FAILURE_LIMIT


def test_the_lockout_is_per_user_name_and_address(client, settings, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong-password", address="203.0.113.7")
    assert _login(client, PASSWORD, address="198.51.100.9").status_code == 302


def test_a_spoofed_forwarded_for_does_not_dodge_the_lockout(client, settings, staff):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("admin:login"),
            {"username": "maria", "password": "wrong"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    assert _login(client, PASSWORD, address="203.0.113.7").status_code == 429


def test_behind_a_trusted_proxy_the_address_it_saw_is_the_one_counted(rf, settings):
    import ipaddress

    from axes.helpers import get_client_ip_address

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert get_client_ip_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]
    assert get_client_ip_address(request) == "203.0.113.7"


def test_test_client_login_without_a_request_still_works(client, staff):
    assert client.login(username="maria", password=PASSWORD)


@pytest.mark.parametrize("password", ["short-pw-1", "123456789012345", "password1234"])
def test_weak_staff_passwords_are_refused(staff, password):
    with pytest.raises(ValidationError):
        validate_password(password, staff)


def test_a_long_unusual_password_is_accepted(staff):
    validate_password("lares-pass-at-4450-metres", staff)


def test_a_huge_or_nul_user_name_is_counted_cut_to_size(client, staff):
    for username in ("m" * 10_000, "ma\x00ria"):
        response = client.post(reverse("admin:login"), {"username": username, "password": "x"})
        assert response.status_code == 200
    usernames = list(AccessAttempt.objects.values_list("username", flat=True))
    assert [len(name) for name in usernames if name.startswith("m" * 10)] == [150]
    assert not any("\x00" in name for name in usernames)
