"""`make run`'s gunicorn on SQLite under concurrent writes and reads: no "database is locked",
every answered write stored, no 5xx; and a backup taken while it serves."""

import sqlite3
import threading

from tests.load.harness import Browser, Gunicorn, Outcome, count_5xx, run_concurrently

PLACE_ADD = "/admin/treks/place/add/"
PAGES = ["/", "/treks/", "/treks/lares-trek/", "/healthz", "/sitemap.xml"]


def place_fields(name, index):
    return {
        "name": name,
        "altitude_m": str(3000 + index),
        "latitude": "-13.25000",
        "longitude": "-72.10000",
        "note": "",
        "_save": "Save",
    }


def add_places(server, staff, prefix, count, *, concurrency=32):
    """`count` staff members' add-a-place forms, posted at once: the write path of this site
    until the request form exists. ok = the redirect that says "saved"."""
    token = staff.form_token(PLACE_ADD)

    def task(index):
        name = f"{prefix} {index}"
        response = Browser(server.base_url, staff.cookies).submit(
            PLACE_ADD, place_fields(name, index), token=token
        )
        saved = response.status == 302 and response.location.endswith("/admin/treks/place/")
        return Outcome(status=response.status, ok=saved, detail=name)

    return run_concurrently(task, count, concurrency=concurrency)


def test_200_concurrent_writes_on_sqlite_are_all_stored(sqlite_site, report):
    with Gunicorn(sqlite_site) as server:  # workers as `make run` starts them
        staff = Browser(server.base_url)
        assert staff.log_in().status == 302
        backup_done = threading.Event()

        def reads(index):
            if index == 40:  # a backup while the writes go on
                sqlite_site.manage("backup", "--output", str(sqlite_site.data_dir / "copy.db"))
                backup_done.set()
            response = Browser(server.base_url).get(PAGES[index % len(PAGES)])
            return Outcome(status=response.status, ok=response.status == 200)

        reader = threading.Thread(
            target=lambda: results.extend(run_concurrently(reads, 100, concurrency=8))
        )
        results = []
        reader.start()
        writes = add_places(server, staff, "Load place", 200)
        reader.join()
        log = server.log()

    stored = sqlite_site.scalar("SELECT COUNT(*) FROM treks_place WHERE name LIKE 'Load place %'")
    saved = [o for o in writes if o.ok]
    report(
        f"SQLite, {server.env.get('WEB_CONCURRENCY', 'default')} workers: {stored} rows stored / "
        f"{len(saved)} saves answered of {len(writes)} POSTs; {len(results)} GETs; "
        f"5xx={count_5xx(writes + results)}"
    )
    assert len(saved) == 200, {o.status for o in writes}
    assert stored == 200
    assert {o.detail for o in saved} == {
        name for (name,) in sqlite_site.rows("SELECT name FROM treks_place WHERE name LIKE 'Load%'")
    }
    assert all(o.ok for o in results), [o.status for o in results if not o.ok]
    assert count_5xx(writes + results) == 0
    assert "database is locked" not in log
    assert " 500 " not in log

    assert backup_done.is_set()
    with sqlite3.connect(sqlite_site.data_dir / "copy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        copied = copy.execute("SELECT COUNT(*) FROM treks_place WHERE name LIKE 'Load%'")
        assert 0 <= copied.fetchone()[0] <= 200


def test_real_gunicorn_sends_the_hardening_headers_over_plain_http(sqlite_site, report):
    with Gunicorn(sqlite_site, workers=1) as server:
        browser = Browser(server.base_url)
        pages = {path: browser.get(path) for path in ("/", "/treks/lares-trek/", "/admin/login/")}
        css = next(
            line.split('href="')[1].split('"')[0]
            for line in pages["/"].body.splitlines()
            if "css/site." in line
        )
        pages[css] = browser.get(css)
    for path, response in pages.items():
        assert response.status == 200, path
        report(f"GET {path} -> {response.status}")
        for name in sorted(response.headers):
            if name not in ("date", "content-length", "set-cookie", "connection", "expires"):
                report(f"    {name}: {response.headers[name]}")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cross-origin-resource-policy"] == "same-origin"
        assert "camera=()" in response.headers["permissions-policy"]
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "strict-transport-security" not in response.headers  # plain http on 127.0.0.1
    assert pages["/admin/login/"].headers["x-frame-options"] == "DENY"
    assert "max-age=315360000" in pages[css].headers["cache-control"]  # hashed static file
