"""The request settings come from the environment and fail loudly, naming the variable."""

import pytest

from tests.subprocesses import run_python


def _settings(env_overrides, tmp_path, expression):
    code = f"from operator_site import settings as s; print({expression})"
    overrides = {"DJANGO_SECRET_KEY": "s" * 50, **env_overrides}
    return run_python("-c", code, env_overrides=overrides, tmp_path=tmp_path)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "(10, 3600)"), ("3/m", "(3, 60)"), ("100/d", "(100, 86400)"), ("off", "None")],
)
def test_rate_limit_values(tmp_path, value, expected):
    env = {} if value is None else {"INQUIRY_RATE_LIMIT": value}
    result = _settings(env, tmp_path, "s.INQUIRY_RATE_LIMIT")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("INQUIRY_RATE_LIMIT", "ten per hour"),
        ("INQUIRY_RATE_LIMIT", "10/w"),
        ("INQUIRY_RATE_LIMIT", "0/h"),
        ("TRUSTED_PROXIES", "10.0.0.1,not-an-ip"),
        ("INQUIRY_NOTIFY_EMAILS", "sales@example.com,nobody"),
        ("SITE_URL", "www.example.com"),
    ],
)
def test_bad_value_names_the_variable(tmp_path, variable, value):
    result = _settings({variable: value}, tmp_path, "1")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


def test_trusted_proxies_accept_addresses_and_networks(tmp_path):
    result = _settings(
        {"TRUSTED_PROXIES": "10.0.0.1, 172.16.0.0/12,::1"},
        tmp_path,
        "[str(n) for n in s.TRUSTED_PROXIES]",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['10.0.0.1/32', '172.16.0.0/12', '::1/128']"


def test_notify_emails_default_to_the_sender(tmp_path):
    result = _settings({}, tmp_path, "s.INQUIRY_NOTIFY_EMAILS")
    assert result.stdout.strip() == "['Salkantay Trek Machu <info@localhost>']"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"PORT": "8201"}, "http://127.0.0.1:8201"),
        ({"PORT": "8000"}, "http://127.0.0.1:8000"),
        ({"PORT": "8201", "SITE_URL": "https://www.example.com/"}, "https://www.example.com"),
    ],
)
def test_site_url_follows_the_port_make_run_serves_on_unless_set(tmp_path, env, expected):
    result = _settings(env, tmp_path, "s.SITE_URL")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_a_bad_port_names_the_variable(tmp_path):
    result = _settings({"PORT": "eighty"}, tmp_path, "s.SITE_URL")
    assert result.returncode != 0
    assert "PORT" in result.stderr
