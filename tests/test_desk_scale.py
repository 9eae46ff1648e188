"""Scale (issue 16, item 7): the request list with 10,000 requests renders in the same fixed
number of queries as with 100, paginated, and its search is served by indexes."""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inquiries.models import Inquiry
from tests.factories import make_trek

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:inquiries_inquiry_changelist")


def _fill(count, *, treks, owner):
    now = timezone.now()
    rng = random.Random(16)
    statuses = Inquiry.Status.values
    Inquiry.objects.bulk_create(
        [
            Inquiry(
                trek=treks[i % len(treks)] if i % 5 else None,
                travel_date=datetime.date(2027, 1 + i % 12, 1 + i % 28),
                group_size=1 + i % 8,
                lead_source=Inquiry.LeadSource.values[i % 8],
                name=f"Traveller {i}",
                email=f"traveller{i}@example.com",
                phone=f"+51 984 {i % 1000:03d} {i % 997:03d}",
                language="es" if i % 3 == 0 else "en",
                status=rng.choice(statuses),
                owner=owner if i % 2 else None,
                follow_up_on=now.date() + datetime.timedelta(days=i % 9 - 4) if i % 4 else None,
                received_at=now - datetime.timedelta(minutes=7 * i),
            )
            for i in range(count)
        ],
        batch_size=1000,
    )


def _queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return len(queries), response


LISTS = [{}, {"waiting": "24h"}, {"follow_up": "due", "mine": "me"}, {"q": "traveller1"}]


def test_the_list_takes_the_same_queries_for_100_and_10000_requests(staff_client):
    owner = staff_client.get("/admin/").wsgi_request.user
    treks = [make_trek() for _ in range(6)]
    _fill(100, treks=treks, owner=owner)
    _queries(staff_client)  # the operator's details (WhatsApp greetings) read once, then kept
    few = [_queries(staff_client, **params)[0] for params in LISTS]
    _fill(9900, treks=treks, owner=owner)
    assert Inquiry.objects.count() == 10000
    many = []
    for params in LISTS:
        count, response = _queries(staff_client, **params)
        many.append(count)
        assert len(response.context["cl"].result_list) == 50  # one page
    assert many == few
    assert max(many) <= 20


@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs in make test-postgres")
@pytest.mark.parametrize("term", ["quispe", "ana.q@", "999 888"])
def test_search_is_served_by_the_trigram_indexes_on_postgresql(staff_client, term):
    from tests.factories import make_inquiry

    _fill(5000, treks=[make_trek()], owner=None)
    make_inquiry(name="Ana Quispe", email="ana.q@example.org", phone="+51 999 888 777")
    with CaptureQueriesContext(connection) as queries:
        staff_client.get(CHANGELIST, {"q": term})
    # The list's count of matching rows: the same WHERE as its page of rows.
    search = next(q["sql"] for q in queries if "LIKE" in q["sql"] and "COUNT(*)" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inquiries_inquiry")
        cursor.execute("EXPLAIN " + search)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for column in ("name", "email", "phone"):
        assert f"inquiries_search_{column}_trgm" in plan, plan
