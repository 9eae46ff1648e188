"""Run the project's Python in a fresh process with a clean environment: how tests check what
settings do at start (a bad variable must stop the site, naming it)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The caller's configuration must not leak into the child: it starts from the defaults.
_CONFIG_PREFIXES = (
    "DJANGO_",
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "EMAIL_",
    "INQUIRY_",
    "TRUSTED_PROXIES",
    "SITE_URL",
    "PORT",
)


def run_python(*args, env_overrides, tmp_path):
    """`python *args` in the checkout, with DATA_DIR in tmp_path and only `env_overrides` set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_CONFIG_PREFIXES)}
    env.update({"DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "operator_site.settings"})
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        # A guard against a hang, not a speed check: a first run loads all the demo content,
        # which took over a minute on a 2-core machine busy with other work.
        timeout=300,
        check=False,
    )


def settings_with(env_overrides, tmp_path):
    """operator_site/settings.py evaluated afresh in this process, with the environment
    `run_python` would give its child (only `env_overrides` set): its names as a dict, or
    the ImproperlyConfigured it raises. For what a setting's value is; a test about the
    process itself (refusing to start, a management command) uses `run_python`."""
    import runpy

    env = {k: v for k, v in os.environ.items() if not k.startswith(_CONFIG_PREFIXES)}
    env.update({"DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "operator_site.settings"})
    env.update(env_overrides)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        return runpy.run_path(str(ROOT / "operator_site" / "settings.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
