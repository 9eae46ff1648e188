"""gunicorn settings for `make run` and production; every value can be overridden from the
environment so that one file serves a laptop and a server."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Two workers a core is plenty for a server-rendered site that caches its pages; capped so a
# big machine does not spawn dozens of 50 MB processes.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count(), 8)))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
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


def pre_fork(server, worker):
    """Workers keep their database connections between requests (CONN_MAX_AGE); a connection
    the master opened while loading the app must not be inherited by them: SQLite forbids
    using one connection in two processes, and two workers on one PostgreSQL socket would mix
    their queries."""
    from django.db import connections

    connections.close_all()
