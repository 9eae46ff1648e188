"""Two gunicorn servers on two ports sharing one PostgreSQL and one Redis, as behind a load
balancer: a form loaded from one posts to the other, sessions and login lockouts hold across
both, every answered write is stored, no 5xx."""

import pytest

from tests.load.harness import (
    LOCKOUT_USERNAME,
    Browser,
    Gunicorn,
    Outcome,
    count_5xx,
    run_concurrently,
)
from tests.load.test_load_sqlite import PLACE_ADD, place_fields

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(scope="module")
def servers(shared_site):
    with Gunicorn(shared_site, workers=2) as a, Gunicorn(shared_site, workers=2) as b:
        yield a, b


def test_a_session_started_on_one_server_is_known_to_the_other(servers):
    a, b = servers
    staff = Browser(a.base_url)
    assert staff.log_in().status == 302
    assert staff.on(b).get("/admin/").status == 200
    assert Browser(b.base_url).get("/admin/").status == 302  # a stranger is sent to log in


def test_a_form_loaded_from_one_server_posts_to_the_other(servers, shared_site):
    a, b = servers
    staff = Browser(a.base_url)
    staff.log_in()
    hidden = staff.load_form(PLACE_ADD)  # from A: the CSRF token and any other hidden field
    assert "csrfmiddlewaretoken" in hidden
    response = staff.on(b).post(PLACE_ADD, {**hidden, **place_fields("Across servers", 1)})
    assert response.status == 302
    assert shared_site.scalar("SELECT COUNT(*) FROM treks_place WHERE name = 'Across servers'") == 1


def test_200_concurrent_writes_across_two_servers_are_all_stored(servers, shared_site, report):
    a, b = servers
    staff = Browser(a.base_url)
    assert staff.log_in().status == 302
    token = staff.form_token(PLACE_ADD)

    def task(index):
        loaded_from, posted_to = (a, b) if index % 2 else (b, a)
        name = f"Shared place {index}"
        visitor = Browser(loaded_from.base_url, staff.cookies)
        response = visitor.submit(
            PLACE_ADD, place_fields(name, index), token=token, post_to=visitor.on(posted_to)
        )
        saved = response.status == 302 and response.location.endswith("/admin/treks/place/")
        return Outcome(status=response.status, ok=saved, detail=name)

    outcomes = run_concurrently(task, 200, concurrency=32)
    stored = {
        name
        for (name,) in shared_site.rows("SELECT name FROM treks_place WHERE name LIKE 'Shared%'")
    }
    saved = {o.detail for o in outcomes if o.ok}
    report(
        f"PostgreSQL + Redis, 2 servers x 2 workers: {len(stored)} rows stored / {len(saved)} "
        f"saves answered of {len(outcomes)} POSTs; 5xx={count_5xx(outcomes)}"
    )
    assert len(saved) == 200, {o.status or o.error for o in outcomes if not o.ok}
    assert stored == saved
    assert count_5xx(outcomes) == 0
    for server in servers:
        assert " 500 " not in server.log()


def test_failed_logins_are_counted_across_both_servers(servers, shared_site, report):
    a, b = servers
    limit = 5  # AXES_FAILURE_LIMIT's default
    statuses = []
    for attempt in range(limit):
        server = (a, b)[attempt % 2]
        statuses.append(Browser(server.base_url).log_in(LOCKOUT_USERNAME, "wrong").status)
    locked_a = Browser(a.base_url).log_in(LOCKOUT_USERNAME).status  # even the right password
    locked_b = Browser(b.base_url).log_in(LOCKOUT_USERNAME).status
    failures = shared_site.scalar(
        "SELECT failures_since_start FROM axes_accessattempt WHERE username = ?",
        (LOCKOUT_USERNAME,),
    )
    report(
        f"failed logins alternating A/B: {statuses}, then right password on A: {locked_a}, "
        f"on B: {locked_b}; failures in the shared database: {failures}"
    )
    assert statuses[:-1] == [200] * (limit - 1)  # the login form again, with an error
    assert statuses[-1] == 429
    assert locked_a == locked_b == 429
    assert failures >= limit


def test_healthz_reports_the_database_and_the_shared_cache(servers):
    for server in servers:
        response = Browser(server.base_url).get("/healthz")
        assert response.status == 200
        assert response.body == '{"status": "ok", "database": "ok", "cache": "ok"}'
