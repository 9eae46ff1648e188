"""Faults under load: a worker killed mid-request, and Redis gone."""

import threading

from tests.load.harness import Browser, Gunicorn, Outcome, count_5xx, free_port, run_concurrently
from tests.load.test_load_sqlite import PLACE_ADD, place_fields

WORKERS = 3


def test_a_worker_killed_during_load_is_replaced_and_no_save_is_claimed_without_a_row(
    sqlite_site, report
):
    with Gunicorn(sqlite_site, workers=WORKERS) as server:
        staff = Browser(server.base_url)
        assert staff.log_in().status == 302
        token = staff.form_token(PLACE_ADD)
        before = server.wait_for_workers(WORKERS)
        started = threading.Barrier(2)
        killed = []

        def task(index):
            if index == 60:
                started.wait(timeout=30)  # the killer goes now, with requests in flight
            name = f"Kill test {index}"
            response = Browser(server.base_url, staff.cookies).submit(
                PLACE_ADD, place_fields(name, index), token=token
            )
            saved = response.status == 302 and response.location.endswith("/admin/treks/place/")
            return Outcome(status=response.status, ok=saved, detail=name)

        def killer():
            started.wait(timeout=30)
            killed.append(server.kill_worker())

        thread = threading.Thread(target=killer)
        thread.start()
        outcomes = run_concurrently(task, 150, concurrency=24)
        thread.join()
        after = server.wait_for_workers(WORKERS, without=killed)
        # The replacement serves: new requests all succeed.
        fresh = [Browser(server.base_url).get("/treks/lares-trek/").status for _ in range(12)]
        log = server.log()

    stored = {name for (name,) in sqlite_site.rows("SELECT name FROM treks_place")}
    confirmed = {o.detail for o in outcomes if o.ok}
    failed = [o for o in outcomes if not o.ok]
    report(
        f"SIGKILL of worker {killed[0]}: {len(confirmed)} saves confirmed, "
        f"{len(stored & {o.detail for o in outcomes})} rows stored, of {len(outcomes)} POSTs; "
        f"failed: {[o.error or o.status for o in failed]}; 5xx={count_5xx(outcomes)}; "
        f"workers {sorted(before)} -> {sorted(after)}"
    )
    assert killed[0] in before and killed[0] not in after
    assert f"Worker (pid:{killed[0]})" in log  # the master saw it die and replaced it
    assert confirmed <= stored  # no confirmation without a commit
    assert all(o.status is None or o.status < 500 for o in failed)
    assert fresh == [200] * 12


def test_with_redis_down_pages_forms_and_logins_keep_working(sqlite_site, report):
    closed_port = free_port()  # handed out and never listened on
    env = {"REDIS_URL": f"redis://127.0.0.1:{closed_port}/0", "CACHE_KEY_PREFIX": "down"}
    with Gunicorn(sqlite_site, workers=2, env=env) as server:
        health = Browser(server.base_url).get("/healthz")
        staff = Browser(server.base_url)
        login = staff.log_in()
        token = staff.form_token(PLACE_ADD)

        def task(index):
            browser = Browser(server.base_url, staff.cookies)
            if index % 2:
                response = browser.get(["/", "/treks/", "/treks/lares-trek/"][index % 3])
                return Outcome(status=response.status, ok=response.status == 200)
            name = f"Redis down {index}"
            response = browser.submit(PLACE_ADD, place_fields(name, index), token=token)
            return Outcome(status=response.status, ok=response.status == 302, detail=name)

        outcomes = run_concurrently(task, 60, concurrency=12)
    writes = [o for o in outcomes if o.detail]
    pages = [o for o in outcomes if not o.detail]
    stored = sqlite_site.scalar("SELECT COUNT(*) FROM treks_place WHERE name LIKE 'Redis down%'")
    report(
        f"Redis at a closed port: /healthz {health.status} {health.body}; login {login.status}; "
        f"{stored} rows stored / {sum(o.ok for o in writes)} saves answered; "
        f"{sum(o.ok for o in pages)} pages 200 of {len(pages)}; "
        f"5xx={count_5xx(outcomes)}"
    )
    assert health.status == 200
    assert '"cache": "down"' in health.body and '"database": "ok"' in health.body
    assert login.status == 302
    assert all(o.ok for o in outcomes), [o.status or o.error for o in outcomes if not o.ok]
    assert stored == len(writes) == 30
