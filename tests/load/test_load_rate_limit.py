"""The request form's rate limit under concurrency, on real gunicorn servers: 30 POSTs from one
address at once against `10/h` store exactly 10, on `make run`'s SQLite and on two servers
sharing PostgreSQL + Redis; the window then lasts its hour (moved forward in the database, not
slept on)."""

import pytest

from tests.load.harness import Gunicorn, count_5xx, most_at_once
from tests.load.test_load_inquiries import load_forms, send_forms, stored_emails

MOVE_WINDOW = {
    "postgres": "UPDATE operator_site_ratelimitwindow "
    "SET window_ends_at = window_ends_at - make_interval(mins => ?) RETURNING id",
    # Django keeps SQLite's datetimes as ISO text.
    "sqlite": "UPDATE operator_site_ratelimitwindow "
    "SET window_ends_at = strftime('%Y-%m-%d %H:%M:%f', window_ends_at, ?) RETURNING id",
}


def _move_window(site, minutes):
    """As if `minutes` had passed: the window's end comes that much closer."""
    if site.database_url:
        site.rows(MOVE_WINDOW["postgres"], (minutes,))
    else:
        site.rows(MOVE_WINDOW["sqlite"], (f"-{minutes} minutes",))


def _thirty_at_once_then_an_hour(site, servers, report, stack):
    # 32 travellers load the form (a GET is not counted), and wait the fill time once: 30
    # send at once, one "six minutes later", one "an hour later".
    forms = load_forms(servers, 32)
    outcomes = send_forms(forms[:30], servers, concurrency=30)
    thanked = {o.detail for o in outcomes if o.ok}
    refused = sum(1 for o in outcomes if o.status == 429)
    stored = stored_emails(site)
    # The 10th request was among the 30: six minutes later the window has 54 minutes to go.
    _move_window(site, minutes=6)
    later = send_forms(forms[30:31], servers)[0]
    _move_window(site, minutes=55)  # 61 minutes after the first: a new window
    next_hour = send_forms(forms[31:], servers)[0]
    at_once = most_at_once(outcomes)
    report(
        f"rate limit 10/h, {stack}: 30 concurrent POSTs from one address ({at_once} in flight "
        f"at once) -> {len(stored)} stored, {len(thanked)} thank-you pages, {refused} x 429, "
        f"5xx={count_5xx(outcomes)}; 6 min later {later.status}; 61 min later "
        f"{next_hour.status}"
    )
    # A real race: more requests were in flight together than the limit lets through.
    assert at_once > 10, at_once
    assert len(thanked) == 10
    assert refused == 20
    assert stored == thanked
    assert later.status == 429
    assert next_hour.ok


def test_thirty_concurrent_posts_store_ten_on_make_runs_stack(sqlite_site, report):
    with Gunicorn(sqlite_site, env={"INQUIRY_RATE_LIMIT": "10/h"}) as server:
        _thirty_at_once_then_an_hour(sqlite_site, [server], report, "SQLite + file cache")


@pytest.mark.postgres
@pytest.mark.redis
def test_thirty_concurrent_posts_store_ten_across_two_servers(shared_site, report):
    shared_site.rows("DELETE FROM inquiries_inquiry RETURNING id")
    shared_site.rows("DELETE FROM operator_site_ratelimitwindow RETURNING id")
    env = {"INQUIRY_RATE_LIMIT": "10/h"}
    with (
        Gunicorn(shared_site, workers=2, env=env) as a,
        Gunicorn(shared_site, workers=2, env=env) as b,
    ):
        _thirty_at_once_then_an_hour(shared_site, [a, b], report, "2 servers, PostgreSQL + Redis")
