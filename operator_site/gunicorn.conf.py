"""gunicorn settings for `make run` and production; every value can be overridden from the
environment so that one file serves a laptop and a server."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Two workers a core is plenty for a server-rendered site that caches its pages; capped so a
# big machine does not spawn dozens of 50 MB processes.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count(), 8)))
# Threads, not sync workers: a sync worker is held by one client for as long as that client
# takes to send its headers, so four slow clients took `make run` offline. gthread waits for a
# connection's first bytes without a thread, and gives each slow client one thread of many:
# with 32 a worker, 50 slow clients all landing on one worker leave it threads to spare, while
# a thread costs a stack and, once it has served a request, one database connection (mind
# PostgreSQL's max_connections: behind the front proxy, which absorbs slow clients,
# GUNICORN_THREADS=4 is plenty). An async worker (gevent) would take more connections, but
# would stall every request of a worker while one waits on SQLite's write lock.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 32))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that no slow leak grows for weeks.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
# Method, path without its query string, status, bytes, milliseconds: no client address, no
# user agent, no query string (personal data stays out of the logs).
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
# Load the app once in the master so workers share its memory pages and start fast.
preload_app = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 25's control socket (for `gunicornc`) is one fixed path per user, by default
# ~/.gunicorn/gunicorn.ctl: a second gunicorn of the same user (another site, a test server)
# takes it over from the first. Nothing here uses it: off unless GUNICORN_CONTROL_SOCKET names
# a path of this server's own. (Older gunicorns ignore both names.)
_control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip()
control_socket_disable = not _control_socket
if _control_socket:
    control_socket = _control_socket


def pre_fork(server, worker):
    """Workers keep their database connections between requests (CONN_MAX_AGE); a connection
    the master opened while loading the app must not be inherited by them: SQLite forbids
    using one connection in two processes, and two workers on one PostgreSQL socket would mix
    their queries."""
    from django.db import connections

    connections.close_all()
