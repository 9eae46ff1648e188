"""Real mail servers for tests: one that refuses every connection, and one that speaks SMTP
(aiosmtpd) and keeps what it receives. Both hold their port from the start, so no other run's
server can answer on it."""

import asyncio
import contextlib
import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field


@contextlib.contextmanager
def mail_server_down():
    """A socket on 127.0.0.1 where the mail server is down: bound by us and not listening, so
    every connection to its port is refused at once (ECONNREFUSED). `SMTPServer(sock=...)`
    later listens on it: the same port, the mail server back."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield sock
    finally:
        sock.close()


@dataclass
class Received:
    peer: tuple
    mail_from: str
    rcpt_tos: list
    message: email.message.EmailMessage
    at: float

    @property
    def subject(self):
        return str(self.message["Subject"]).strip()

    def text(self):
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""


@dataclass
class _Handler:
    delay: float = 0.0
    received: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)  # a slow server, so that senders overlap
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(
                Received(
                    session.peer, envelope.mail_from, list(envelope.rcpt_tos), message, time.time()
                )
            )
        return "250 OK"


class SMTPServer:
    """aiosmtpd on 127.0.0.1, on a socket bound before it starts, in a thread of its own."""

    def __init__(self, *, delay=0.0, sock=None):
        from aiosmtpd.smtp import SMTP

        self.handler = _Handler(delay=delay)
        self._smtp = SMTP
        if sock is None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
        self.sock = sock
        self.port = sock.getsockname()[1]
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    @property
    def received(self):
        with self.handler.lock:
            return list(self.handler.received)

    def __enter__(self):
        self.sock.listen(16)
        self.sock.setblocking(False)
        # The loop runs in its own thread only: the test's thread may have a loop of its own
        # running (Playwright's), and one thread cannot run two.
        self._thread.start()
        server = self.loop.create_server(
            lambda: self._smtp(self.handler, hostname="mail.test"), sock=self.sock
        )
        self.server = asyncio.run_coroutine_threadsafe(server, self.loop).result(timeout=10)
        return self

    def __exit__(self, *exc):
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.sock.close()
