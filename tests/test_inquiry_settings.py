"""The request settings come from the environment and fail loudly, naming the variable.
Evaluated in this process (tests.subprocesses.settings_with): what stops the process at start
is tested in test_settings_env.py and test_runtime_config.py."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.subprocesses import settings_with


def _settings(env_overrides, tmp_path):
    return settings_with({"DJANGO_SECRET_KEY": "s" * 50, **env_overrides}, tmp_path)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, (10, 3600)), ("3/m", (3, 60)), ("100/d", (100, 86400)), ("off", None)],
)
def test_rate_limit_values(tmp_path, value, expected):
    env = {} if value is None else {"INQUIRY_RATE_LIMIT": value}
    assert _settings(env, tmp_path)["INQUIRY_RATE_LIMIT"] == expected


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
    with pytest.raises(ImproperlyConfigured) as error:
        _settings({variable: value}, tmp_path)
    assert variable in str(error.value)


def test_trusted_proxies_accept_addresses_and_networks(tmp_path):
    s = _settings({"TRUSTED_PROXIES": "10.0.0.1, 172.16.0.0/12,::1"}, tmp_path)
    assert [str(n) for n in s["TRUSTED_PROXIES"]] == ["10.0.0.1/32", "172.16.0.0/12", "::1/128"]


def test_notify_emails_default_to_the_sender(tmp_path):
    s = _settings({}, tmp_path)
    assert s["INQUIRY_NOTIFY_EMAILS"] == ["Salkantay Trek Machu <info@localhost>"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"PORT": "8201"}, "http://127.0.0.1:8201"),
        ({"PORT": "8000"}, "http://127.0.0.1:8000"),
        ({"PORT": "8201", "SITE_URL": "https://www.example.com/"}, "https://www.example.com"),
    ],
)
def test_site_url_follows_the_port_make_run_serves_on_unless_set(tmp_path, env, expected):
    assert _settings(env, tmp_path)["SITE_URL"] == expected


def test_a_bad_port_names_the_variable(tmp_path):
    with pytest.raises(ImproperlyConfigured) as error:
        _settings({"PORT": "eighty"}, tmp_path)
    assert "PORT" in str(error.value)
