"""Production configuration: a bad value stops the site at start naming the variable, and the
production variables pass `check --deploy` with no warning."""

import runpy
import traceback

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from tests.subprocesses import run_python, settings_with

PRODUCTION = {
    "DJANGO_SECRET_KEY": "k3#Zq9-long-random-production-secret-" + "x7Pq" * 10,
    "DJANGO_ALLOWED_HOSTS": "www.salkantaytrekmachu.com",
    "DJANGO_HTTPS": "1",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://www.salkantaytrekmachu.com",
    "TRUSTED_PROXIES": "10.0.0.0/8",
    "SITE_URL": "https://www.salkantaytrekmachu.com",
    "DATABASE_URL": "postgres://site:secret@db.internal:5432/operator_site",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def _manage(*args, env_overrides, tmp_path):
    return run_python("manage.py", *args, env_overrides=env_overrides, tmp_path=tmp_path)


def test_production_variables_pass_check_deploy_with_no_warning(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_does_warn_about_plain_http(tmp_path):
    """The test above can fail: without DJANGO_HTTPS the deploy checks complain."""
    env = {**PRODUCTION, "DJANGO_HTTPS": "0"}
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=env, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://root@127.0.0.1/site"),
        ("DATABASE_URL", "not a url"),
        ("DATABASE_URL", "postgres://127.0.0.1:5432/"),
        ("DATABASE_URL", "postgres://u@h:port/db"),
        ("DATABASE_CONN_MAX_AGE", "forever"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("DJANGO_HTTPS", "sometimes"),
        ("DJANGO_CSRF_TRUSTED_ORIGINS", "www.example.com"),
        ("TRUSTED_PROXIES", "10.0.0.0/33"),
        ("DJANGO_MAX_REQUEST_BYTES", "lots"),
        ("DJANGO_LOG_LEVEL", "LOUD"),
        ("AXES_FAILURE_LIMIT", "0"),
        ("EMAIL_USE_TLS", "perhaps"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(tmp_path, variable, value):
    # In this process: loading the settings raises, and the error is what the start prints
    # last (test_settings_env.py runs `manage.py check` to show that it stops the process).
    with pytest.raises(ImproperlyConfigured) as error:
        settings_with({"DJANGO_SECRET_KEY": "s" * 50, variable: value}, tmp_path)
    assert variable in str(error.value)


def test_a_bad_database_url_does_not_print_its_password(tmp_path):
    env = {"DJANGO_SECRET_KEY": "s" * 50, "DATABASE_URL": "mysql://u:hunter2-secret@h/db"}
    with pytest.raises(ImproperlyConfigured) as error:
        settings_with(env, tmp_path)
    printed = "".join(traceback.format_exception(error.value))  # chained errors included
    assert "hunter2-secret" not in printed


def test_database_url_switches_to_postgresql_with_its_own_test_database(tmp_path):
    env = {"DJANGO_SECRET_KEY": "s" * 50, "DATABASE_URL": "postgres://u@db:5432/prod_x"}
    d = settings_with(env, tmp_path)["DATABASES"]["default"]
    assert [d["ENGINE"], d["NAME"], d["TEST"]["NAME"], d["CONN_MAX_AGE"]] == [
        "django.db.backends.postgresql",
        "prod_x",
        "prod_x_test",
        60,
    ]


def test_without_database_url_sqlite_runs_in_wal_with_immediate_writes(tmp_path):
    code = (
        "from django.db import connection as c; cur = c.cursor(); "
        "print(cur.execute('PRAGMA journal_mode').fetchone()[0], "
        "cur.execute('PRAGMA busy_timeout').fetchone()[0], "
        "c.settings_dict['OPTIONS']['transaction_mode'])"
    )
    env = {"DJANGO_SECRET_KEY": "s" * 50}
    result = _manage("shell", "-v", "0", "-c", code, env_overrides=env, tmp_path=tmp_path)
    assert result.stdout.split() == ["wal", "20000", "IMMEDIATE"], result.stderr


def test_redis_url_shares_cache_and_sessions(tmp_path):
    env = {"DJANGO_SECRET_KEY": "s" * 50, "REDIS_URL": "redis://127.0.0.1:6399/3"}
    s = settings_with(env, tmp_path)
    o = s["CACHES"]["default"]["OPTIONS"]
    assert [
        s["CACHES"]["default"]["BACKEND"],
        s["SESSION_ENGINE"],
        o["IGNORE_EXCEPTIONS"],
        o["REDIS_CLIENT_CLASS"],
    ] == [
        "django_redis.cache.RedisCache",
        "operator_site.sessions",
        True,
        "operator_site.cache.PausingRedis",
    ]


@pytest.mark.django_db(transaction=True)
def test_workers_keep_their_connection_but_never_inherit_the_masters():
    """Each request reusing its worker's connection saves opening one (most of /healthz's
    time on SQLite); gunicorn's pre_fork hook closes the master's so no two workers share one."""
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == settings.DATABASE_CONN_MAX_AGE > 0
    hooks = runpy.run_path(str(settings.BASE_DIR / "operator_site" / "gunicorn.conf.py"))
    connection.ensure_connection()
    assert connection.connection is not None

    hooks["pre_fork"](server=None, worker=None)

    assert connection.connection is None


def test_gunicorns_control_socket_is_off_unless_given_a_path_of_its_own(monkeypatch, tmp_path):
    """gunicorn 25+ opens a control socket at one fixed path per user
    (~/.gunicorn/gunicorn.ctl): every server of every checkout would share it."""
    conf = str(settings.BASE_DIR / "operator_site" / "gunicorn.conf.py")
    monkeypatch.delenv("GUNICORN_CONTROL_SOCKET", raising=False)
    assert runpy.run_path(conf)["control_socket_disable"] is True
    monkeypatch.setenv("GUNICORN_CONTROL_SOCKET", str(tmp_path / "site.ctl"))
    hooks = runpy.run_path(conf)
    assert hooks["control_socket_disable"] is False
    assert hooks["control_socket"] == str(tmp_path / "site.ctl")
