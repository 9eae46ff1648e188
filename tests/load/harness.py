"""A small harness for load and fault tests against real gunicorn servers.

- `Site`: one deployment's data (a SQLite file or a fresh PostgreSQL database, optionally Redis),
  migrated and loaded with the demo catalogue and a staff account. The first site of a run is
  prepared once per kind (SQLite, or each PostgreSQL server) and every site is a copy of it: a
  file copy for SQLite, `CREATE DATABASE ... TEMPLATE` for PostgreSQL.
- `Gunicorn`: a server started from the project's own operator_site/gunicorn.conf.py on a port
  that this process owns: the harness binds a listening socket to a port the kernel picks and
  hands it to gunicorn (`--bind fd://N`), so no other run's server can be on that port, and
  nothing is reached before gunicorn answers on it. Its workers are visible so that a test can
  SIGKILL one.
- `Browser`: one visitor with a cookie jar that does not follow redirects. Every request goes to
  127.0.0.1 and carries the same Host header, as behind a load balancer, so a form loaded from one
  server can be posted to another.
- `run_concurrently`: a bounded number of tasks on a bounded thread pool; each becomes an
  `Outcome`, connection errors included, so that a test counts what every request got.

To load-test another form (the request-information form, say): write a task that loads it
with `hidden = browser.load_form(path)` (CSRF and form tokens), posts `{**hidden, **fields}`
with `browser.post(path, ...)` (or `browser.on(other_server).post(...)`), and returns
`Outcome(status=..., ok=<the redirect to the thank-you page>, detail=<what identifies its
row>)`; run it with `run_concurrently`, then compare the details of the ok outcomes with
`site.rows(...)`.
"""

import atexit
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import dj_database_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SITE_HOST = "127.0.0.1"  # the Host every request names, whichever server it reaches

# Bounds, so that a mistake cannot turn a test into a flood.
MAX_TASKS = 200
MAX_CONCURRENCY = 64
REQUEST_TIMEOUT = 30

STAFF_USERNAME = "loadtest"
LOCKOUT_USERNAME = "lockout-test"  # a second account, for tests that get it locked out
STAFF_PASSWORD = "lares-4450-load-test-pass"
RECOVERY_CODES = 100  # load0, load1...: each logs in once (handed out in turn by log_in)
_next_code = iter(range(RECOVERY_CODES))


# --- Ports -----------------------------------------------------------------------------------
# Ports are owned, never guessed: a port found free, released and bound seconds later may by
# then be another run's server (it was: another checkout's front-proxy gunicorn answered a
# test's /contact/ with a redirect). The kernel hands out a port per bind(("127.0.0.1", 0)),
# never the same one to two sockets at once, so no range is shared between checkouts.

_reserved = {}  # port -> the bound, never listening, socket that holds it for this process


def listening_socket():
    """A TCP socket listening on 127.0.0.1, on a port the kernel chose, to be handed to a
    server process (`pass_fds`)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)  # gunicorn's backlog
    return sock


def free_port():
    """A port of 127.0.0.1 held by this process with nothing listening on it: connecting to it
    is refused (a service that is down), and no other process can bind it until `release`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    _reserved[port] = sock
    return port


def release(port):
    """Let a server process bind a port of `free_port` (nginx, which cannot inherit a socket):
    from here it is not held. Such a server must prove who it is before a test believes it,
    and its start fails, naming the port, if another process took it meanwhile."""
    _reserved.pop(port).close()


# --- Sites -----------------------------------------------------------------------------------


def _clean_environ():
    drop = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "CACHE_KEY_PREFIX", "TEST_", "PYTEST_")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


PREPARE = f"""
from django.contrib.auth import get_user_model
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("loaddata", "catalogue", verbosity=0)
from django_otp.plugins.otp_static.models import StaticDevice
for name in ({STAFF_USERNAME!r}, {LOCKOUT_USERNAME!r}):
    user = get_user_model().objects.create_superuser(name, "", {STAFF_PASSWORD!r})
    # Superusers log in with a second factor: known one-time recovery codes (see log_in).
    device = StaticDevice.objects.create(user=user, name="recovery codes")
    for n in range({RECOVERY_CODES}):
        device.token_set.create(token=f"load{{n}}")
"""


def race(scripts, *, env, go, timeout=180):
    """Run each Python script in `manage.py shell`, each in its own process, released at the
    same instant: every script prints READY, then waits for the file `go` (which this touches
    once all are ready). Returns each process's stdout."""
    racers = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and code
            [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for script in scripts
    ]
    for racer in racers:
        assert racer.stdout.readline().strip() == "READY", racer.stderr.read()
    Path(go).touch()  # all at once
    outputs = []
    for racer in racers:
        stdout, stderr = racer.communicate(timeout=timeout)
        assert racer.returncode == 0, stderr
        outputs.append(stdout.strip())
    return outputs


@dataclass
class Site:
    data_dir: Path
    env: dict
    database_url: str = ""  # empty: SQLite in data_dir
    redis_url: str = ""
    log: list = field(default_factory=list)

    @classmethod
    def create(cls, data_dir, static_root, *, postgres_url="", redis_url=""):
        """A prepared site. `postgres_url` names a server and a database-name prefix: a new
        database <prefix>_load_<random> is created (drop it with `destroy`). Its data is a copy
        of the run's prepared site (`PREPARE`, made once per kind), so each test starts from
        the same data without migrating, loading and hashing again."""
        data_dir.mkdir(parents=True, exist_ok=True)
        (data_dir / "static").symlink_to(static_root, target_is_directory=True)
        env = _clean_environ()
        env.update(
            DJANGO_SECRET_KEY="load-test-" + secrets.token_urlsafe(40),
            DATA_DIR=str(data_dir),
            DJANGO_SETTINGS_MODULE="operator_site.settings",
        )
        database_url = ""
        if postgres_url:
            template = _postgres_template(postgres_url)
            name = f"{dj_database_url.parse(postgres_url)['NAME']}_load_{secrets.token_hex(3)}"
            _postgres_admin(postgres_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            database_url = postgres_url.rsplit("/", 1)[0] + "/" + name
            env["DATABASE_URL"] = database_url
        else:
            _copy_sqlite(_sqlite_template() / "db.sqlite3", data_dir / "db.sqlite3")
        if redis_url:
            env["REDIS_URL"] = redis_url
            env["CACHE_KEY_PREFIX"] = "load-" + secrets.token_hex(4)
        return cls(data_dir=data_dir, env=env, database_url=database_url, redis_url=redis_url)

    def manage(self, *args, env=None):
        return subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )

    def rows(self, query, params=None):
        """Rows of a query run straight on the site's database (not through the servers)."""
        if self.database_url:
            import psycopg

            with psycopg.connect(_libpq(self.database_url)) as db:
                if params is None:
                    return db.execute(query).fetchall()
                return db.execute(query.replace("?", "%s"), params).fetchall()
        with sqlite3.connect(self.data_dir / "db.sqlite3", timeout=20) as db:
            return db.execute(query, params or ()).fetchall()

    def scalar(self, query, params=None):
        return self.rows(query, params)[0][0]

    def destroy(self):
        if self.redis_url:
            import redis

            client = redis.Redis.from_url(self.redis_url)
            keys = list(client.scan_iter(match=f"{self.env['CACHE_KEY_PREFIX']}:*", count=1000))
            if keys:
                client.delete(*keys)
        if self.database_url:
            name = dj_database_url.parse(self.database_url)["NAME"]
            _postgres_admin(self.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- The prepared sites, made once per process and copied per test -------------------------------

_templates = {}  # "sqlite" -> its folder; a PostgreSQL URL -> its template database's name


def _prepare(data_dir, database_url=""):
    env = {
        **_clean_environ(),
        "DJANGO_SECRET_KEY": "load-test-template-" + secrets.token_urlsafe(40),
        "DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "operator_site.settings",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", PREPARE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"preparing the load tests' site failed:\n{result.stderr[-3000:]}")


def _sqlite_template():
    if "sqlite" not in _templates:
        folder = Path(tempfile.mkdtemp(prefix="load-site-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _prepare(folder)
        _templates["sqlite"] = folder
    return _templates["sqlite"]


def _copy_sqlite(source, target):
    # SQLite's online backup: a consistent copy, whatever is still in the write-ahead log.
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _postgres_template(postgres_url):
    """A database migrated and prepared once, the TEMPLATE of each site's database (a copy at
    file level: well under a second, where migrating took several)."""
    if postgres_url not in _templates:
        name = f"{dj_database_url.parse(postgres_url)['NAME']}_load_template_{secrets.token_hex(3)}"
        _postgres_admin(postgres_url, f'CREATE DATABASE "{name}"')
        atexit.register(
            _postgres_admin, postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        )
        with tempfile.TemporaryDirectory(prefix="load-site-template-") as folder:
            _prepare(Path(folder), postgres_url.rsplit("/", 1)[0] + "/" + name)
        _templates[postgres_url] = name
    return _templates[postgres_url]


def _libpq(url):
    p = dj_database_url.parse(url)
    return (
        f"host={p['HOST'] or '127.0.0.1'} port={p['PORT'] or 5432} user={p['USER'] or 'postgres'} "
        f"dbname={p['NAME']}" + (f" password={p['PASSWORD']}" if p["PASSWORD"] else "")
    )


def _postgres_admin(url, statement):
    import psycopg

    maintenance = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(_libpq(maintenance), autocommit=True) as db:
        db.execute(statement)


# --- Servers ---------------------------------------------------------------------------------


class Gunicorn:
    """`gunicorn -c operator_site/gunicorn.conf.py operator_site.wsgi`, as `make run` starts it,
    bound to a socket this process made and owns (see "Ports" above)."""

    def __init__(self, site, *, workers=None, env=None):
        self.site = site
        self.socket = listening_socket()
        self.port = self.socket.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        # PORT as `make run` sets it (SITE_URL follows it); the bind itself is the socket's.
        self.env = {**site.env, "HOST": "127.0.0.1", "PORT": str(self.port), **(env or {})}
        if workers:
            self.env["WEB_CONCURRENCY"] = str(workers)
        self.log_path = site.data_dir / f"gunicorn-{self.port}.log"
        self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout=30):
        log = self.log_path.open("ab")
        fd = self.socket.fileno()
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "-c",
                "operator_site/gunicorn.conf.py",
                # The socket made above, inherited: gunicorn binds nothing itself.
                "--bind",
                f"fd://{fd}",
                "operator_site.wsgi",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=[fd],
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.log()[-3000:]}")
            # Only this gunicorn accepts on the socket; until it does, a probe waits in the
            # socket's queue, hence the short timeout.
            try:
                if Browser(self.base_url, timeout=2).get("/healthz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz in {timeout}s:\n{self.log()[-3000:]}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # The port stays this process's until the server is gone.
        self.socket.close()

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def worker_pids(self):
        pids = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # "pid (comm) state ppid ...": comm may hold spaces, so split after its ")".
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.process.pid:
                pids.add(int(entry.name))
        return pids

    def kill_worker(self):
        """SIGKILL one worker, as the kernel's OOM killer would; returns its pid."""
        pid = min(self.worker_pids())
        os.kill(pid, signal.SIGKILL)
        return pid

    def wait_for_workers(self, count, *, without=(), timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) == count and not pids & set(without):
                return pids
            time.sleep(0.2)
        raise AssertionError(f"gunicorn has workers {self.worker_pids()}, wanted {count}")


# --- Visitors --------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict  # lower-case names; repeated headers joined with ", "
    body: str

    @property
    def location(self):
        return self.headers.get("location", "")


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _PostForms(HTMLParser):
    """The hidden inputs of each POST form of a page: [(action, {name: value})]."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {}
            self.forms.append((attrs.get("action") or "", self._current))
        elif self._current is not None and tag == "input" and attrs.get("type") == "hidden":
            self._current[attrs.get("name") or ""] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def hidden_fields(html, action=None):
    """The hidden inputs (CSRF token, form tokens...) of the page's first POST form, or of the
    one whose action ends with `action`."""
    parser = _PostForms()
    parser.feed(html)
    for form_action, fields in parser.forms:
        if action is None or form_action.endswith(action):
            return fields
    raise AssertionError(f"no POST form{' to ' + action if action else ''} on the page")


class Browser:
    """One visitor: cookies kept, redirects not followed, one connection per request."""

    def __init__(self, base_url, cookies=None, *, timeout=REQUEST_TIMEOUT):
        assert base_url.startswith("http://127.0.0.1:"), "load tests talk to 127.0.0.1 only"
        self.base_url = base_url
        self.cookies = dict(cookies or {})
        self.timeout = timeout

    def on(self, server):
        """The same visitor (same cookies) reaching another server."""
        return Browser(server.base_url, self.cookies, timeout=self.timeout)

    def request(self, method, path, body=None, headers=None):
        host, port = self.base_url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=self.timeout)
        all_headers = {"Host": SITE_HOST, "Connection": "close", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=all_headers)
            raw = connection.getresponse()
            content = raw.read().decode("utf-8", errors="replace")
            headers_out = {}
            for name, value in raw.getheaders():
                name = name.lower()
                if name == "set-cookie":
                    for morsel in SimpleCookie(value).values():
                        self.cookies[morsel.key] = morsel.value
                headers_out[name] = (
                    f"{headers_out[name]}, {value}" if name in headers_out else value
                )
            return Response(raw.status, headers_out, content)
        finally:
            connection.close()

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields):
        return self.request(
            "POST",
            path,
            body=urlencode(fields, doseq=True),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                # What a browser sends: the page's origin, the same whichever server answers.
                "Origin": f"http://{SITE_HOST}",
                "Referer": f"http://{SITE_HOST}{path}",
            },
        )

    def form_token(self, path):
        """GET a form page and return its CSRF token (the cookie lands in this browser)."""
        page = self.get(path)
        assert page.status == 200, (path, page.status)
        match = CSRF_INPUT.search(page.body)
        assert match, f"no CSRF token in {path}"
        return match.group(1)

    def load_form(self, path, action=None):
        """GET a page and return the hidden fields of its POST form (CSRF token included), to
        post back later with the visible fields added."""
        page = self.get(path)
        assert page.status == 200, (path, page.status)
        return hidden_fields(page.body, action)

    def submit(self, path, fields, *, token=None, post_to=None):
        """Load the form at `path` (unless a token is given) and post `fields` to it, on this
        server or on `post_to` (another Browser sharing these cookies)."""
        token = token or self.form_token(path)
        return (post_to or self).post(path, {**fields, "csrfmiddlewaretoken": token})

    def log_in(self, username=STAFF_USERNAME, password=STAFF_PASSWORD):
        """The admin login with a recovery code not used before in this test run."""
        response = self.submit(
            "/admin/login/?next=/admin/",
            {
                "username": username,
                "password": password,
                "otp_token": f"load{next(_next_code)}",
                "next": "/admin/",
            },
        )
        return response


# --- Running many at once --------------------------------------------------------------------


@dataclass
class Outcome:
    status: int | None = None  # None: no HTTP answer (connection refused or reset)
    ok: bool = False  # the request got the answer that means "done" (e.g. the redirect)
    detail: object = None  # what identifies its row, for a check against the database
    error: str = ""
    # When the request was sent and answered (time.monotonic()), for `most_at_once`.
    began: float = 0.0
    ended: float = 0.0


def most_at_once(outcomes):
    """The most requests that were in flight at one instant: a race test's proof that its
    racers overlapped (requests sent one after another would give 1)."""
    events = sorted(
        [(o.began, 1) for o in outcomes if o.ended] + [(o.ended, -1) for o in outcomes if o.ended]
    )
    most = current = 0
    for _when, change in events:  # at a tie an end sorts first: touching is not overlapping
        current += change
        most = max(most, current)
    return most


def run_concurrently(task, count, *, concurrency=32):
    """Run task(0) ... task(count - 1) on `concurrency` threads; a task that raises becomes an
    Outcome with the error's class name."""
    if not 0 < count <= MAX_TASKS or not 0 < concurrency <= MAX_CONCURRENCY:
        raise ValueError(f"keep load tests bounded: {count} tasks on {concurrency} threads")

    def safe(index):
        try:
            return task(index)
        except (OSError, http.client.HTTPException) as error:
            return Outcome(error=type(error).__name__)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(safe, range(count)))


def count_5xx(outcomes):
    return sum(1 for o in outcomes if o.status is not None and o.status >= 500)
