"""The production front proxy (tools/proxy: nginx from Debian, started as `make proxy` starts
it) before a real gunicorn: 200 slow clients are held by nginx while /healthz answers, a lying
Content-Length gets nginx's 408 and never reaches gunicorn, bodies over 64 KB are refused
outside admin, and static files come from disk (issue 12, item 8)."""

import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time

import pytest

from tests.load.harness import ROOT, Gunicorn, free_port, release
from tests.load.slow import SlowClients, healthz_probe, hold_and_probe, lying_post, stayed_online

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = pytest.mark.skipif(
    not os.path.exists(NGINX) and os.environ.get("CI") != "true",
    reason="nginx is not installed (apt-get install nginx); CI installs it",
)

# What the app needs behind the proxy (docs/front-proxy.md).
BEHIND_PROXY = {
    "TRUSTED_PROXIES": "127.0.0.1",
    "DJANGO_HTTPS": "1",
    "DJANGO_SERVE_MEDIA": "0",
    "GUNICORN_THREADS": "4",
}


class Proxy:
    def __init__(self, site, upstream):
        self.port = free_port()
        self.site = site
        self.env = {
            **site.env,
            "PROXY_PORT": str(self.port),
            "PORT": str(upstream.port),
            "PROXY_LOCAL_ONLY": "1",
        }
        self.process = None

    def __enter__(self):
        log = self.site.data_dir / "nginx.log"
        release(self.port)  # nginx binds it itself: held by this process until now
        self.process = subprocess.Popen(
            [sys.executable, "tools/proxy/run.py"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("ab"),
        )
        # This nginx is the one answering only if it proves it holds this run's key: the
        # self-signed certificate run.py made in this site's folder is the only one trusted.
        # Another process on the port fails the handshake; nginx, finding the port taken,
        # exits naming it, and the test fails here.
        cert = self.site.data_dir / "proxy" / "tls" / "selfsigned.crt"
        deadline = time.monotonic() + 30
        while True:
            assert self.process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"nginx did not answer in 30 s:\n{log.read_text()}"
            try:
                self.tls = ssl.create_default_context(cafile=str(cert))  # SAN IP:127.0.0.1
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as raw:
                    self.tls.wrap_socket(raw, server_hostname="127.0.0.1").close()
                return self
            except (OSError, ssl.SSLError):
                time.sleep(0.2)

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=20)

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=20, context=self.tls)
        try:
            conn.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()


@pytest.fixture
def stack(sqlite_site):
    with (
        Gunicorn(sqlite_site, workers=2, env=BEHIND_PROXY) as server,
        Proxy(sqlite_site, server) as proxy,
    ):
        yield server, proxy


def test_healthz_answers_through_the_proxy_while_200_slow_clients_hang_on(stack, report):
    server, proxy = stack
    with SlowClients(proxy.port, 200, tls=proxy.tls) as slow:
        held_for_8s = hold_and_probe(slow, healthz_probe(proxy.port, tls=proxy.tls), seconds=8)
        after_timeout = hold_and_probe(slow, lambda: None, seconds=5)
    results, fewest_in_first_8s = held_for_8s
    statuses = [status for status, _took in results]
    worst = max(took for _status, took in results)
    _ignored, left_after_13s = after_timeout
    report(
        f"nginx in front, 200 slow TLS header connections: {len(results)} /healthz probes in "
        f"8 s, statuses {sorted(set(map(str, statuses)))}, worst {worst:.2f} s; slow ones open "
        f"{fewest_in_first_8s} at 8 s, {left_after_13s} at 13 s (client_header_timeout 10 s)"
    )
    assert fewest_in_first_8s == 200  # nginx held every one of them
    assert stayed_online(statuses), statuses
    assert left_after_13s == 0  # and dropped them at its header timeout
    assert '"GET /"' not in server.log()  # none of them ever reached gunicorn


def test_a_lying_content_length_is_cut_by_the_proxy_and_never_reaches_gunicorn(stack, report):
    """nginx ends the request with its 408 at client_body_timeout (10 s of silence); like
    every nginx, it closes the connection without writing the 408 to a client that stopped
    sending, and logs it."""
    server, proxy = stack
    status, text, took = lying_post(proxy.port, "/contact/", tls=proxy.tls)
    access_log = (server.site.data_dir / "proxy" / "access.log").read_text()
    report(
        f"nginx in front, Content-Length 5000 with a 16-byte body: answer {status or 'none'}, "
        f"connection closed after {took:.1f} s; nginx logged "
        f"{[line.split()[-3] for line in access_log.splitlines() if 'POST /contact/' in line]}"
    )
    assert (status, text) == (None, "")  # no answer from gunicorn, nor a 500
    assert '"POST /contact/" 408 ' in access_log
    assert '"POST /contact/"' not in server.log()


def test_public_bodies_over_64_kb_are_refused_by_the_proxy(stack):
    server, proxy = stack
    body = b"message=" + b"x" * (64 * 1024)
    status, _headers, _body = proxy.request(
        "POST", "/contact/", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 413
    assert '"POST /contact/"' not in server.log()


def test_pages_go_to_gunicorn_and_static_files_come_from_disk(stack):
    server, proxy = stack
    status, headers, body = proxy.request("GET", "/contact/")
    assert status == 200
    assert b"csrfmiddlewaretoken" in body
    assert "Strict-Transport-Security" in headers  # the app knows it is behind TLS
    manifest = json.loads((server.site.data_dir / "static" / "staticfiles.json").read_text())
    css = next(name for name in manifest["paths"].values() if name.endswith(".css"))
    status, headers, _body = proxy.request("GET", f"/static/{css}")
    assert status == 200
    assert "immutable" in headers["Cache-Control"]
    assert f"/static/{css}" not in server.log()
