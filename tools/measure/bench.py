"""`make bench`: how fast and how light the production stack is, from one run, as one table.

It prepares a temporary DATA_DIR with the demo fixtures, starts gunicorn as `make run` does on a
free port, and drives it with Debian's `wrk` (a separate C process, so the load generator does not
compete with Python for the GIL) against 127.0.0.1 only, each URL for a bounded time. A second
gunicorn with the cache disabled measures the Lares page built afresh on every request. SQL
query counts are measured in-process with Django's test client on the same database, cold and
warm, with the demo content and again once the data has grown (300 departures, 50 reviews and 20
posts on the Lares trek, 20 more treks): the cold counts must be the same. Bytes are fetched from
the server as a browser would, gzip accepted. Exits 1 when a target is missed.

    python -m tools.measure.bench [--duration 3] [--connections 8] [--rounds 3]
"""

import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .server import BASE_DIR, gunicorn, rss_mb, temporary_stack, worker_pids

LARES = "/treks/lares-trek/"
# The same page in Spanish (issue 13): the same targets as the English one.
LARES_ES = "/es/caminatas/caminata-lares/"
CONTACT = "/contact/"
PAGES = ["/", "/treks/", LARES, LARES_ES, CONTACT]
# Pages with a target of their own (issue 11): warm req/s as a share of the static CSS file's.
PER_STATIC = {LARES: 0.25, LARES_ES: 0.25, CONTACT: 0.25, "/": 0.5}

# The figures of issues 6 and 11. The cache-off Lares page is printed, not a target any more;
# the cold pages' queries have no cap since issue 21: they must stay flat as the data grows.
TARGETS = {
    "lares_per_healthz_warm": 0.5,
    "queries_warm": 0,
    "first_view_kb": 120,
    "html_gzip_kb": 60,
    "worker_rss_mb": 80,
}


# Form tokens made ahead for the inquiry POST: each request needs its own, or the idempotency
# key would make later POSTs find the first row instead of storing theirs. More than any run of
# a few seconds can use.
INQUIRY_TOKENS = 20000

# wrk Lua: POST the form with the next unused token; count the answers that are the redirect to
# the thank-you page, summed over the threads and printed for `inquiry_post_target` to read.
_INQUIRY_LUA = """
local tokens = {%(tokens)s}
local body_head = "%(body)s"
local counter = 0
thanks, others = 0, 0  -- globals: done() reads them with thread:get
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads - 1)
  thread:set("stride", %(threads)d)
end
function init(args)
  counter = offset + 1
end
function request()
  local token = tokens[counter]
  counter = counter + stride
  if token == nil then token = "exhausted" end
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "%(cookie)s",
  }, body_head .. "&form_token=" .. token)
end
function response(status, headers, body)
  local location = headers["Location"] or headers["location"] or ""
  if status == 302 and string.find(location, "/contact/thanks/", 1, true) then
    thanks = thanks + 1
  else
    others = others + 1
  end
end
function done(summary, latency, requests)
  local t, o = 0, 0
  for _, thread in ipairs(threads) do
    t = t + thread:get("thanks")
    o = o + thread:get("others")
  end
  io.write(string.format("thank-you redirects: %%d\\nother answers: %%d\\n", t, o))
end
"""


def inquiry_post_target(base_url, workdir):
    """The inquiry POST of issue 4, as a traveller's browser sends it from the Lares page: a
    CSRF cookie and token fetched from that page, a valid form body, and a signed form token
    rendered 10 s earlier (so the minimum fill time is met), a fresh one for every request.
    Returns (path, lua_script path). Needs Django set up on the stack's database and secret key
    (query_counts does that) and the server started with INQUIRY_RATE_LIMIT=off."""
    import datetime
    import urllib.parse

    from django.conf import settings
    from django.utils import timezone

    from inquiries import tokens

    _, html, headers = fetch(base_url + LARES, gzip_ok=False)
    text = html.decode()
    csrf_form = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
    set_cookie = "; ".join(headers.get_all("Set-Cookie") or [])
    cookie = re.search(rf"({re.escape(settings.CSRF_COOKIE_NAME)}=[^;]+)", set_cookie).group(1)
    action = re.search(r'<form class="inquiry-form" method="post" action="([^"#]+)', text)
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": csrf_form,
            "travel_date": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
            "group_size": "2",
            "lead_source": "tripadvisor",
            "name": "Bench Traveller",
            "email": "bench@example.com",
            "phone": "+51 984 123456",
            "country": "Peru",
            "message": "A request sent by make bench.",
            "website": "",
        }
    )
    rendered_at = time.time() - 10
    made = (tokens.new_form_token(rendered_at=rendered_at) for _ in range(INQUIRY_TOKENS))
    script = Path(workdir) / "inquiry_post.lua"
    script.write_text(
        _INQUIRY_LUA
        % {
            "tokens": ",".join(f'"{urllib.parse.quote(t)}"' for t in made),
            "body": body,
            "cookie": cookie,
            "threads": 1,
        }
    )
    return action.group(1), str(script)


def thanks_redirects_logged(log, path):
    """POSTs to `path` that gunicorn's access log shows answered with a redirect (302)."""
    return log.read_text().count(f'"POST {path}" 302 ')


def inquiry_rows():
    from inquiries.models import Inquiry

    return Inquiry.objects.count()


def wrk(url, *, duration, connections, script=None):
    """requests/s, p50 ms, p99 ms and non-2xx/3xx count from one wrk run against `url`."""
    command = [
        "wrk",
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{duration}s",
        "--timeout",
        "5s",
        "--latency",
        "--header",
        "Accept-Encoding: gzip",
    ]
    if script:
        command += ["--script", script]
    out = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+([\d.]+\w+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+([\d.]+\w+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    result = {"rps": rps, "p50": p50, "p99": p99, "errors": int(bad.group(1)) if bad else 0}
    thanks = re.search(r"thank-you redirects: (\d+)\nother answers: (\d+)", out)
    if thanks:
        result["thanks"], result["other answers"] = int(thanks.group(1)), int(thanks.group(2))
    return result


def _ms(text):
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def fetch(url, *, gzip_ok=True):
    """(body bytes as sent, body bytes decoded, headers) for one GET."""
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (127.0.0.1 only)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        sent = response.read()
        body = gzip.decompress(sent) if response.headers.get("Content-Encoding") == "gzip" else sent
        return sent, body, response.headers


def first_view(base_url, path):
    """Bytes a first visit downloads, gzip accepted: the HTML and the CSS, JS and fonts it loads
    (photos excluded). Returns (total bytes, [(url, bytes)])."""
    sent, html, _ = fetch(base_url + path)
    parts = [(path, len(sent))]
    text = html.decode()
    assets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', text)
    assets += re.findall(r'<script[^>]+src="([^"]+)"', text)
    seen = set()
    for asset in assets:
        if asset in seen:
            continue
        seen.add(asset)
        sent, body, headers = fetch(base_url + asset)
        parts.append((asset, len(sent)))
        if "css" in headers.get("Content-Type", ""):
            for font in re.findall(r"url\(['\"]?([^'\")]+\.woff2?)['\"]?\)", body.decode()):
                font_url = font if font.startswith("/") else asset.rsplit("/", 1)[0] + "/" + font
                if font_url not in seen:
                    seen.add(font_url)
                    parts.append((font_url, len(fetch(base_url + font_url)[0])))
    return sum(size for _, size in parts), parts


def static_css_path(base_url):
    """The hashed URL of the site's stylesheet, as the pages link it."""
    _, html, _ = fetch(base_url + "/")
    return re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', html.decode()).group(1)


def setup_django(env):
    """Django in this process, on the stack's database and secret key."""
    os.environ.update({k: env[k] for k in ("DATA_DIR", "DJANGO_SECRET_KEY")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "operator_site.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


# How much the data grows for the second count of queries.
GROWN = {"departures": 300, "reviews": 50, "posts": 20, "treks": 20}


def grow_data():
    """More of everything a page lists: departures, reviews and posts of the Lares trek, and
    treks (copies of it, with its stages) for the catalogue and the home page."""
    import datetime

    from django.utils import timezone

    from blog.models import Post
    from reviews.models import Review
    from treks.models import Departure, ItineraryStage, Trek

    lares = Trek.objects.get(slug_en="lares-trek")
    today = timezone.localdate()
    Departure.objects.bulk_create(
        Departure(
            trek=lares,
            start_date=today + datetime.timedelta(days=400 + n),
            seats=12,
            price_per_person=700,
        )
        for n in range(GROWN["departures"])
    )
    Review.objects.bulk_create(
        Review(
            trek=lares,
            first_name=f"Bench {n}",
            trip_date=today - datetime.timedelta(days=n + 1),
            rating=5,
            text="A review made by make bench.",
            source="make bench",
            is_published=True,
        )
        for n in range(GROWN["reviews"])
    )
    posts = Post.objects.bulk_create(
        Post(
            title=f"Bench post {n}",
            slug=f"bench-post-{n}",
            slug_en=f"bench-post-{n}",
            slug_es=f"bench-post-{n}",
            summary="A post made by make bench.",
            body="A post made by make bench.",
            author="make bench",
            is_published=True,
            published_on=today - datetime.timedelta(days=n + 1),
        )
        for n in range(GROWN["posts"])
    )
    lares.posts.add(*posts)
    stages = list(lares.stages.all())
    for n in range(GROWN["treks"]):
        copy = Trek.objects.get(pk=lares.pk)
        copy.pk = None
        copy.slug_en = copy.slug_es = f"bench-trek-{n}"
        copy.save()
        for stage in stages:
            stage.pk, stage.trek = None, copy
        ItineraryStage.objects.bulk_create(stages)


def query_counts():
    """SQL queries per page, cold (empty cache) and warm, through Django's test client in this
    process, on the stack's database; a private in-memory cache keeps the server's untouched."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    counts = {}
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        cache.clear()
        client = Client(headers={"host": "127.0.0.1"})
        for path in PAGES:
            for state in ("cold", "warm"):
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                counts[path, state] = len(ctx.captured_queries)
    return counts


def measure(base_url, targets, *, duration, connections, rounds):
    """wrk on each target, `rounds` times in turn, so that a change in the machine's load hits
    every URL alike. Returns each target's runs, in round order."""
    runs = {label: [] for label, _ in targets}
    for _ in range(rounds):
        for label, path in targets:
            runs[label].append(wrk(base_url + path, duration=duration, connections=connections))
    return runs


def median_run(results):
    """The run with the median requests/s: the row the table prints."""
    return sorted(results, key=lambda r: r["rps"])[len(results) // 2]


def median_ratio(runs, label, base):
    """`label`'s requests/s over `base`'s, round by round, median kept: each round's two figures
    were measured seconds apart, under the same load, so the ratio moves less than the rates
    do when the machine is shared (seen: the static file 1,100 to 2,400 req/s between runs)."""
    ratios = sorted(a["rps"] / b["rps"] for a, b in zip(runs[label], runs[base], strict=True))
    return ratios[len(ratios) // 2]


def run(duration, connections, rounds):
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk (.ci/run does)")
    runs, rows = {}, {}
    with temporary_stack() as env:
        # The bench posts thousands of requests from one address. Workers are not recycled
        # during the run: at these rates `make run`'s 2,000 requests a worker come every few
        # seconds, and each recycling drops the keep-alive connections wrk spreads over them.
        env = {**env, "INQUIRY_RATE_LIMIT": "off", "GUNICORN_MAX_REQUESTS": "0"}
        setup_django(env)
        queries = query_counts()
        with gunicorn(env, name="warm") as (base_url, process):
            css = static_css_path(base_url)
            for path in PAGES:  # fill the cache, as the first visitors would
                fetch(base_url + path)
            targets = [("static CSS (whitenoise)", css), ("/healthz", "/healthz")]
            targets += [(path, path) for path in PAGES]
            runs.update(
                measure(
                    base_url, targets, duration=duration, connections=connections, rounds=rounds
                )
            )
            path, script = inquiry_post_target(base_url, env["DATA_DIR"])
            log = Path(env["DATA_DIR"]) / "warm.log"
            rows_before, answered_before = inquiry_rows(), thanks_redirects_logged(log, path)
            post = wrk(base_url + path, duration=duration, connections=connections, script=script)
            # wrk stops counting with up to `connections` POSTs still in flight; the server
            # answers them all the same: give it a moment, then count from its access log.
            time.sleep(1)
            post["server redirects"] = thanks_redirects_logged(log, path) - answered_before
            post["rows stored"] = inquiry_rows() - rows_before
            rows["inquiry POST"] = post
            rss = {pid: rss_mb(pid) for pid in worker_pids(process.pid)}
            html = {}
            for path in PAGES:
                sent, body, _ = fetch(base_url + path)
                html[path] = (len(body), len(sent))
            first_total, first_parts = first_view(base_url, LARES)
        with gunicorn(env, cache=False, name="cold") as (base_url, process):
            cold = measure(
                base_url,
                [("/healthz cache off", "/healthz"), (f"{LARES} cache off", LARES)],
                duration=duration,
                connections=connections,
                rounds=rounds,
            )
            runs.update(cold)
        grow_data()  # last: the servers measured the demo content
        queries_grown = query_counts()
    rows = {label: median_run(results) for label, results in runs.items()} | rows
    return runs, rows, (queries, queries_grown), html, first_total, first_parts, rss


def report(runs, rows, queries, html, first_total, first_parts, rss, duration, connections, rounds):
    static = "static CSS (whitenoise)"
    queries, grown = queries
    figures = {
        "lares_per_healthz_warm": median_ratio(runs, LARES, "/healthz"),
        "queries_warm": max(queries[path, "warm"] for path in PER_STATIC),
        "first_view_kb": first_total / 1000,
        "html_gzip_kb": max(sent for _, sent in html.values()) / 1000,
        "worker_rss_mb": max(rss.values()),
    }
    lines = [
        f"make bench: wrk, 1 thread, {connections} connections, {rounds} rounds of {duration} s "
        f"a URL (median kept; ratios: median of each round's), 127.0.0.1; gunicorn as `make run` "
        f"({len(rss)} workers, not recycled during the run); "
        + time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "",
        f"{'URL':<32}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'SQL cold':>10}{'SQL warm':>10}"
        f"{'HTML B':>9}{'gzip B':>9}",
    ]
    for label, row in rows.items():
        path = label if label in PAGES else None
        sql = f"{queries[path, 'cold']:>10}{queries[path, 'warm']:>10}" if path else " " * 20
        size = f"{html[path][0]:>9}{html[path][1]:>9}" if path else ""
        errors = f"  ({row['errors']} errors!)" if row["errors"] else ""
        lines.append(
            f"{label:<32}{row['rps']:>9.0f}{row['p50']:>9.2f}{row['p99']:>9.2f}{sql}{size}{errors}"
        )
    post = rows["inquiry POST"]
    lines.append(
        f"inquiry POST: wrk counted {post['thanks']} thank-you redirects and "
        f"{post['other answers']} other answers; the server answered {post['server redirects']} "
        f"with the redirect (those in flight when wrk stopped included); "
        f"{post['rows stored']} rows stored"
    )
    lines.append("")
    for path, target in PER_STATIC.items():
        figures[f"{path} ÷ static"] = median_ratio(runs, path, static)
        TARGETS[f"{path} ÷ static"] = target
    checks = [
        ("Lares ÷ /healthz, warm cache", "lares_per_healthz_warm", ">=", "{:.3f}"),
        *((f"{path} ÷ static CSS", f"{path} ÷ static", ">=", "{:.3f}") for path in PER_STATIC),
        ("SQL queries warm, max of those", "queries_warm", "<=", "{}"),
        ("Lares first view, gzip (KB)", "first_view_kb", "<=", "{:.1f}"),
        ("largest page HTML, gzip (KB)", "html_gzip_kb", "<=", "{:.1f}"),
        ("gunicorn worker RSS, max (MB)", "worker_rss_mb", "<=", "{:.1f}"),
    ]
    lines.append(
        f"{'Lares ÷ /healthz, cache off':<44}"
        f"{median_ratio(runs, f'{LARES} cache off', '/healthz cache off'):>9.3f}   "
        "printed only (target retired in issue 11)"
    )
    missed = []
    # Cold queries: the same count once the data has grown, page by page.
    grew = ", ".join(f"{n} {what}" for what, n in GROWN.items())
    for path in PAGES:
        before, after = queries[path, "cold"], grown[path, "cold"]
        flat = before == after
        if not flat:
            missed.append(f"SQL queries cold of {path}: {before}, then {after} with more data")
        lines.append(
            f"{'SQL cold ' + path + ': demo -> grown':<44}{f'{before} -> {after}':>9}   "
            f"flat as the data grows ({grew}) " + ("ok" if flat else "MISSED")
        )
    if post["rows stored"] != post["server redirects"] or post["other answers"]:
        missed.append("inquiry POST: rows stored must equal POSTs answered with the thank-you")
    for label, key, op, fmt in checks:
        value, target = figures[key], TARGETS[key]
        ok = value >= target if op == ">=" else value <= target
        if not ok:
            missed.append(label)
        lines.append(
            f"{label:<44}{fmt.format(value):>9}   target {op} {target:<6} "
            + ("ok" if ok else "MISSED")
        )
    lines.append("")
    lines.append(
        "first view: "
        + ", ".join(f"{Path(url).name or url} {size:,} B" for url, size in first_parts)
    )
    lines.append("worker RSS (MB): " + ", ".join(f"{mb:.1f}" for mb in rss.values()))
    print("\n".join(lines))
    return missed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=3, help="seconds of load per URL run")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each URL, median kept")
    args = parser.parse_args(argv)
    results = run(args.duration, args.connections, args.rounds)
    missed = report(*results, args.duration, args.connections, args.rounds)
    if missed:
        print("\nMISSED: " + "; ".join(missed))
        sys.exit(1)


if __name__ == "__main__":
    main()
