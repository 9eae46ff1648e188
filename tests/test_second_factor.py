"""Staff's second factor at the admin login (django-otp; operator_site/second_factor.py): a
superuser needs a code from the authenticator app or a recovery code; other staff when the
setting says so or once they have one; wrong codes count towards django-axes' lockout."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from operator_site.second_factor import enrol

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-42"
ADMIN = reverse("admin:index")


@pytest.fixture
def maria(django_user_model):
    return django_user_model.objects.create_superuser("maria", "", PASSWORD)


@pytest.fixture
def clerk(django_user_model):
    return django_user_model.objects.create_user("clerk", password=PASSWORD, is_staff=True)


def _login(client, code=None, *, username="maria", password=PASSWORD):
    data = {"username": username, "password": password, "next": ADMIN}
    if code is not None:
        data["otp_token"] = code
    return client.post(reverse("admin:login"), data, REMOTE_ADDR="203.0.113.7")


def _current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_superuser_logs_in_with_the_apps_code(client, maria):
    device, _codes = enrol(maria)
    response = _login(client, _current_code(device))
    assert response.status_code == 302
    assert response.url == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_superuser_with_only_the_password_is_not_let_in(client, maria):
    enrol(maria)
    response = _login(client)
    assert response.status_code == 200
    assert "Enter the code from your authenticator app or a recovery code." in (
        response.content.decode()
    )
    assert client.get(ADMIN).status_code == 302  # still sent to the login page


def test_a_wrong_code_is_refused(client, maria):
    device, _codes = enrol(maria)
    wrong = f"{(int(_current_code(device)) + 1) % 1_000_000:06d}"
    response = _login(client, wrong)
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get(ADMIN).status_code == 302


def test_a_recovery_code_logs_in_once(client, maria, settings):
    # django-otp makes a device wait a second after a failure; this test is about use-once.
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    _device, codes = enrol(maria)
    assert _login(client, codes[0]).status_code == 302
    client.logout()
    assert _login(client, codes[0]).status_code == 200  # used up
    assert _login(client, f" {codes[1]} ").status_code == 302  # spaces pasted around it
    assert StaticToken.objects.filter(device__user=maria).count() == len(codes) - 2


def test_a_superuser_without_a_second_factor_is_told_how_to_get_one(client, maria):
    response = _login(client, "123456")
    assert response.status_code == 200
    assert "manage.py staff_otp maria" in response.content.decode()


def test_a_session_from_a_password_alone_does_not_open_admin(client, maria):
    client.force_login(maria)  # as a session made before the second factor existed
    assert client.get(ADMIN).status_code == 302


def test_other_staff_need_no_code_by_default(client, clerk):
    assert _login(client, username="clerk").status_code == 302
    assert client.get(ADMIN).status_code == 200


def test_the_setting_asks_every_staff_account_for_a_code(client, clerk, settings):
    settings.STAFF_SECOND_FACTOR_FOR_ALL = True
    assert _login(client, username="clerk").status_code == 200
    _device, codes = enrol(clerk)
    assert _login(client, codes[0], username="clerk").status_code == 302


def test_staff_who_set_up_a_code_are_asked_for_it(client, clerk):
    device, _codes = enrol(clerk)
    assert _login(client, username="clerk").status_code == 200
    assert _login(client, _current_code(device), username="clerk").status_code == 302


def test_wrong_codes_count_towards_the_lockout(client, maria, settings):
    _device, codes = enrol(maria)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "000000").status_code == 200
    assert _login(client, "not-a-code").status_code == 429  # the fifth failure locks out
    response = _login(client, codes[0])  # even a right password and a right code
    assert response.status_code == 429
    assert AccessAttempt.objects.get().failures_since_start >= settings.AXES_FAILURE_LIMIT


def test_staff_otp_prints_a_qr_code_the_address_and_recovery_codes(maria, capsys):
    call_command("staff_otp", "maria", "--recovery-codes", "3")
    out = capsys.readouterr().out
    device = TOTPDevice.objects.get(user=maria)
    assert device.config_url in out
    assert "otpauth://totp/Salkantay%20Trek%20Machu%3Amaria?secret=" in out
    assert "█" in out  # the QR code
    codes = list(StaticToken.objects.filter(device__user=maria).values_list("token", flat=True))
    assert len(codes) == 3
    assert all(code in out for code in codes)


def test_staff_otp_replaces_the_old_key_and_codes(client, maria, capsys):
    old_device, old_codes = enrol(maria)
    old_code = _current_code(old_device)
    call_command("staff_otp", "maria")
    assert TOTPDevice.objects.filter(user=maria).count() == 1
    assert _login(client, old_codes[0]).status_code == 200
    assert _login(client, old_code).status_code == 200


def test_staff_otp_refuses_unknown_and_non_staff_accounts(django_user_model):
    from django.core.management.base import CommandError

    django_user_model.objects.create_user("traveller", password=PASSWORD)
    for name in ("nobody", "traveller"):
        with pytest.raises(CommandError):
            call_command("staff_otp", name)
