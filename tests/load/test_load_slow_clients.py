"""Slow clients against `make run`'s own gunicorn (no proxy in front): 50 connections that send
their headers a line a second never take /healthz offline, and a request whose Content-Length
is larger than its body ends in the site's 400 page instead of holding a worker until gunicorn
kills it (issue 12, item 8). The front proxy's own tests: test_load_front_proxy.py."""

from tests.load.harness import Gunicorn
from tests.load.slow import SlowClients, healthz_probe, hold_and_probe, lying_post, stayed_online


def test_healthz_answers_while_50_slow_clients_hold_connections(sqlite_site, report):
    with Gunicorn(sqlite_site) as server, SlowClients(server.port, 50) as slow:
        results, fewest_open = hold_and_probe(slow, healthz_probe(server.port), seconds=15)
    statuses = [status for status, _took in results]
    worst = max(took for _status, took in results)
    report(
        f"make run's gunicorn, 50 slow-header connections for 15 s: {len(results)} /healthz "
        f"probes, statuses {sorted(set(map(str, statuses)))}, worst {worst:.2f} s; "
        f"slow connections still open at the fewest: {fewest_open}"
    )
    assert fewest_open == 50  # they really were held all along
    assert stayed_online(statuses), statuses


def test_a_content_length_larger_than_the_body_gets_the_sites_400_page(sqlite_site, report):
    with Gunicorn(sqlite_site) as server:
        status, text, took = lying_post(server.port, "/contact/")
        after = healthz_probe(server.port)()
        log = server.log()
    report(f"make run, Content-Length 5000 with a 16-byte body: {status} after {took:.1f} s")
    assert status == 400
    assert "We could not understand that request" in text  # the site's page, not gunicorn's
    assert "WORKER TIMEOUT" not in log
    assert after == 200
