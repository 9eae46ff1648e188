"""Two gunicorn servers on two ports sharing one PostgreSQL and one Redis, as behind a load
balancer: staff sessions, admin forms and login lockouts hold across both. (The request form
under load on two servers: test_load_inquiries.py.)"""

import pytest

from tests.load.harness import LOCKOUT_USERNAME, Browser, Gunicorn

PLACE_ADD = "/admin/treks/place/add/"


def place_fields(name, index):
    # Place names and notes are posted per language (treks/translation.py).
    return {
        "name_en": name,
        "altitude_m": str(3000 + index),
        "latitude": "-13.25000",
        "longitude": "-72.10000",
        "note_en": "",
        "_save": "Save",
    }


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
        assert response.body == '{"status": "ok", "database": "ok", "disk": "ok", "cache": "ok"}'
