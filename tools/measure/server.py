"""A throw-away production stack for `make bench` and `make audit`: a temporary DATA_DIR with the
demo fixtures loaded, and gunicorn started exactly as `make run` starts it (same config file, same
WSGI app), on a free port of 127.0.0.1."""

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

# A settings module that disables the cache, to measure pages built afresh on every request.
NO_CACHE_SETTINGS = """from operator_site.settings import *  # noqa: F403

# The per-process fragments (the request form's fields) stay, as the form copy did before.
CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
"""


def listening_socket():
    """A socket listening on 127.0.0.1 on a port the kernel picks, handed to gunicorn
    (`--bind fd://N`): no other checkout's server can be on it, and nothing answers on it
    but this gunicorn (a port found free and bound later may be someone else's by then)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    return sock


def prepare_data_dir(data_dir):
    """Environment for a stack on `data_dir`: migrated, static files collected, demo content."""
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "0",
        "HOST": "127.0.0.1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("REDIS_URL", None)  # the file cache of a single machine, as `make run` has it
    log = Path(data_dir) / "prepare.log"
    with log.open("w") as out:
        subprocess.run(
            [sys.executable, "manage.py", "prepare_site"],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=True,
        )
    return env


@contextlib.contextmanager
def gunicorn(env, *, cache=True, name="server"):
    """Start gunicorn on a port of its own; yields (base_url, process). Stopped on exit."""
    sock = listening_socket()
    env = {**env, "PORT": str(sock.getsockname()[1])}
    data_dir = Path(env["DATA_DIR"])
    if not cache:
        settings_dir = data_dir / "nocache_settings"
        settings_dir.mkdir(exist_ok=True)
        (settings_dir / "nocache_settings.py").write_text(NO_CACHE_SETTINGS)
        env["PYTHONPATH"] = os.pathsep.join([str(settings_dir), str(BASE_DIR)])
        env["DJANGO_SETTINGS_MODULE"] = "nocache_settings"
    log = (data_dir / f"{name}.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and code
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "operator_site/gunicorn.conf.py",
            "--bind",
            f"fd://{sock.fileno()}",
            "operator_site.wsgi",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        pass_fds=[sock.fileno()],
    )
    base_url = f"http://127.0.0.1:{env['PORT']}"
    try:
        _wait_until_up(base_url, process, data_dir / f"{name}.log")
        yield base_url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        sock.close()


def _wait_until_up(base_url, process, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    log = log_path.read_text()[-3000:]
    raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{log}")


def worker_pids(master_pid):
    """The gunicorn workers: processes whose parent is the master."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:
            pids.append(int(stat.parent.name))
    return sorted(pids)


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextlib.contextmanager
def temporary_stack():
    """A prepared temporary DATA_DIR; yields the environment for `gunicorn()`."""
    with tempfile.TemporaryDirectory(prefix="operator-site-") as tmp:
        yield prepare_data_dir(Path(tmp))
