"""Slow clients, as an attacker (or a bad mobile link) makes them: connections that send their
request headers a line at a time and never finish, and a probe that times /healthz meanwhile.
Bounded: at most 200 connections, to 127.0.0.1 only, for a few seconds."""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass, field

MAX_SLOW = 200


@dataclass
class SlowClients:
    port: int
    count: int
    tls: ssl.SSLContext | None = None
    sockets: list = field(default_factory=list)

    def __enter__(self):
        if not 0 < self.count <= MAX_SLOW:
            raise ValueError(f"keep it bounded: {self.count} slow connections")
        for index in range(self.count):
            raw = socket.create_connection(("127.0.0.1", self.port), timeout=10)
            conn = self.tls.wrap_socket(raw, server_hostname="127.0.0.1") if self.tls else raw
            conn.sendall(f"GET /?slow={index} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
            self.sockets.append(conn)
        return self

    def __exit__(self, *exc):
        for conn in self.sockets:
            conn.close()

    def trickle(self):
        """One more header line on every connection that is still open; returns how many are."""
        still_open = []
        for index, conn in enumerate(self.sockets):
            try:
                conn.sendall(f"X-Slow-{index}: {time.monotonic():.0f}\r\n".encode())
                still_open.append(conn)
            except OSError:
                conn.close()
        self.sockets = still_open
        return len(still_open)


def hold_and_probe(slow, probe, *, seconds, every=0.5, trickle_every=1.0):
    """Keep the slow clients trickling for `seconds` while `probe()` runs every `every`
    seconds; returns ([(status or error, seconds taken)], fewest slow connections open)."""
    results, fewest = [], slow.count
    deadline = time.monotonic() + seconds
    next_trickle = time.monotonic()
    while time.monotonic() < deadline:
        if time.monotonic() >= next_trickle:
            fewest = min(fewest, slow.trickle())
            next_trickle += trickle_every
        started = time.monotonic()
        try:
            outcome = probe()
        except (OSError, http.client.HTTPException) as error:
            outcome = type(error).__name__
        results.append((outcome, time.monotonic() - started))
        time.sleep(max(0.0, every - (time.monotonic() - started)))
    return results, fewest


def healthz_probe(port, *, tls=None, timeout=5):
    """GET /healthz on a fresh connection; its status."""

    def probe():
        if tls:
            conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=tls)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    return probe


def lying_post(port, path, *, tls=None, claimed=5000, sent=b"name=Ana&email=a", timeout=40):
    """POST with a Content-Length larger than the body, then wait without closing. Returns
    (status or None, the answer's text, seconds until the answer)."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    conn = tls.wrap_socket(raw, server_hostname="127.0.0.1") if tls else raw
    started = time.monotonic()
    try:
        conn.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {claimed}\r\n\r\n"
            ).encode()
            + sent
        )
        answer = b""
        while True:
            try:
                chunk = conn.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            answer += chunk
            head, _sep, body = answer.partition(b"\r\n\r\n")
            length = [
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ]
            if length and len(body) >= length[0]:
                break
        elapsed = time.monotonic() - started
    finally:
        conn.close()
    text = answer.decode("utf-8", errors="replace")
    status = int(text.split(" ", 2)[1]) if text.startswith("HTTP/") else None
    return status, text, elapsed


def stayed_online(statuses):
    """Slow clients never took the server offline: at least half the probes were answered.

    Each probe waits 5 s at most. On a 2-core machine running two test workers, a probe can
    miss that by CPU alone, which is a timing and not the behaviour under test; a server whose
    workers the slow clients hold answers none."""
    return statuses.count(200) * 2 >= len(statuses) > 0
