"""A deploy by the README's production steps (migrate, collectstatic, restart gunicorn), with no
step or variable more, serves pages of the new code at once: the page key's release part is a
digest of the code and templates (operator_site/pagecache/version.py)."""

import shutil
import signal
import subprocess
import sys
import time

from tests.load.harness import BIN, ROOT, Browser, _clean_environ, listening_socket

# What is not the site's code: the copy leaves it out.
_NOT_DEPLOYED = (".git", ".venv", "var", "tests", "tools", "node_modules", "*.egg-info")


def _copy_code(target):
    """A copy of this checkout's code, as a deploy would have it."""
    ignore = shutil.ignore_patterns("__pycache__", *_NOT_DEPLOYED)
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def _manage(code, env, *args):
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "manage.py", *args],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def _start(code, env, log, sock):
    # Bound to a socket this test owns (tests/load/harness.py, "Ports"): no other run's server
    # can answer in its place, before or after the restart.
    fd = sock.fileno()
    process = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "-c",
            "operator_site/gunicorn.conf.py",
            "--bind",
            f"fd://{fd}",
            "operator_site.wsgi",
        ],
        pass_fds=[fd],
        cwd=code,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    browser = Browser(f"http://127.0.0.1:{env['PORT']}")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited at start"
        try:
            if browser.get("/healthz").status == 200:
                return process, browser
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not answer /healthz")


def _stop(process):
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def test_a_template_change_shows_after_the_readmes_deploy_steps(tmp_path):
    code = _copy_code(tmp_path / "code")
    sock = listening_socket()
    env = {
        **_clean_environ(),
        "DJANGO_SECRET_KEY": "deploy-test-" + "x" * 40,
        "DATA_DIR": str(tmp_path / "data"),
        "HOST": "127.0.0.1",
        "PORT": str(sock.getsockname()[1]),
        "WEB_CONCURRENCY": "2",
        "PYTHONPATH": str(code),  # this copy's code, not the checkout's
    }
    (tmp_path / "data").mkdir(mode=0o700)
    log = (tmp_path / "gunicorn.log").open("ab")
    _manage(code, env, "migrate", "--noinput")
    _manage(code, env, "collectstatic", "--noinput")
    _manage(code, env, "loaddata", "catalogue")
    process, browser = _start(code, env, log, sock)
    try:
        for _ in range(3):  # stored by the first visit, served from the cache after it
            page = browser.get("/treks/lares-trek/")
            assert page.status == 200
            assert "Deployed a moment ago" not in page.body
        assert any((tmp_path / "data" / "cache").iterdir())  # the page is in the file cache

        template = code / "treks" / "templates" / "treks" / "_trek_hero.html"
        text = template.read_text()
        template.write_text(text.replace("</h1>", " · Deployed a moment ago</h1>", 1))
        # The README's production steps, as they stand.
        _manage(code, env, "migrate", "--noinput")
        _manage(code, env, "collectstatic", "--noinput")
        _stop(process)
        process, browser = _start(code, env, log, sock)

        page = browser.get("/treks/lares-trek/")
        assert page.status == 200
        assert "Deployed a moment ago" in page.body
    finally:
        _stop(process)
        log.close()
        sock.close()
