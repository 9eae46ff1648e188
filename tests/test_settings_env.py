"""Settings come from the environment and fail loudly, naming the variable."""

import pytest

from tests.subprocesses import run_python


def _check(env_overrides, tmp_path):
    return run_python("manage.py", "check", env_overrides=env_overrides, tmp_path=tmp_path)


def test_refuses_to_start_without_secret_key_when_debug_is_off(tmp_path):
    result = _check({}, tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_refuses_the_development_key_in_production(tmp_path):
    result = _check({"DJANGO_SECRET_KEY": "django-insecure-abc"}, tmp_path)
    assert result.returncode != 0
    assert "development key" in result.stderr


def test_starts_with_a_secret_key(tmp_path):
    result = _check({"DJANGO_SECRET_KEY": "a-real-secret-" + "x" * 40}, tmp_path)
    assert result.returncode == 0, result.stderr


def test_debug_runs_without_secret_key(tmp_path):
    result = _check({"DJANGO_DEBUG": "1"}, tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DJANGO_DEBUG", "maybe"), ("EMAIL_PORT", "twenty-five"), ("EMAIL_TIMEOUT", "0")],
)
def test_bad_value_names_the_variable(tmp_path, variable, value):
    result = _check({"DJANGO_SECRET_KEY": "s" * 50, variable: value}, tmp_path)
    assert result.returncode != 0
    assert variable in result.stderr
