"""Sales staff work the requests in admin: list, filters, search, pipeline actions, CSV, summary."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from inquiries.models import Inquiry
from tests.factories import make_inquiry, make_trek

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:inquiries_inquiry_changelist"


def _changelist(client, **params):
    return client.get(reverse(CHANGELIST), params)


@pytest.mark.parametrize(
    "url",
    [
        reverse(CHANGELIST),
        reverse("admin:inquiries_inquiry_summary"),
        reverse("admin:inquiries_inquiry_change", args=[1]),
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    make_inquiry()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_permission_cannot_see_requests(client, django_user_model):
    user = django_user_model.objects.create_user(
        "clerk", password="a-long-test-pass", is_staff=True
    )
    client.force_login(user)
    assert _changelist(client).status_code == 403
    assert client.get(reverse("admin:inquiries_inquiry_summary")).status_code == 403


def test_changelist_shows_every_request_newest_first(staff_client):
    trek = make_trek(name="Lares Trek")
    old = make_inquiry(name="Old Request", received_at=timezone.now() - datetime.timedelta(days=3))
    new = make_inquiry(name="New Request", trek=trek, group_size=4)
    response = _changelist(staff_client)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("New Request") < body.index("Old Request")
    assert "Lares Trek" in body
    assert "(general request)" in body
    assert "3\xa0days" in body  # age
    assert list(response.context["cl"].result_list) == [new, old]


def test_changelist_query_count_does_not_grow_with_rows(
    staff_client, django_assert_max_num_queries
):
    trek = make_trek()
    owner = staff_client.get("/admin/").wsgi_request.user
    for _ in range(30):
        make_inquiry(trek=trek, owner=owner)
    with django_assert_max_num_queries(16):
        assert _changelist(staff_client).status_code == 200


def test_filter_by_status_trek_month_and_source(staff_client):
    lares = make_trek(name="Lares Trek")
    salkantay = make_trek(name="Salkantay Trek")
    july = datetime.date(timezone.localdate().year + 1, 7, 10)
    a = make_inquiry(trek=lares, travel_date=july, lead_source="tripadvisor")
    b = make_inquiry(trek=salkantay, status=Inquiry.Status.WON, lead_source="friend")

    def names(**params):
        return set(_changelist(staff_client, **params).context["cl"].result_list)

    assert names(status__exact="won") == {b}
    assert names(trek__id__exact=str(lares.pk)) == {a}
    assert names(travel_month=f"{july:%Y-%m}") == {a}
    assert names(lead_source__exact="friend") == {b}
    assert names(travel_month="garbage") == set()


def test_search_by_name_or_email(staff_client):
    a = make_inquiry(name="Ana Quispe", email="ana@example.com")
    make_inquiry(name="Bob Smith", email="bob@example.org")
    assert list(_changelist(staff_client, q="quispe").context["cl"].result_list) == [a]
    assert list(_changelist(staff_client, q="ana@example").context["cl"].result_list) == [a]


def _action(client, action, rows):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [r.pk for r in rows]},
    )


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("mark_replied", "replied"),
        ("mark_quote_sent", "quote_sent"),
        ("mark_won", "won"),
        ("mark_lost", "lost"),
    ],
)
def test_pipeline_actions_move_the_selected_requests(staff_client, action, status):
    a, b, c = make_inquiry(), make_inquiry(), make_inquiry()
    response = _action(staff_client, action, [a, b])
    assert response.status_code == 302
    assert set(Inquiry.objects.filter(status=status)) == {a, b}
    c.refresh_from_db()
    assert c.status == "new"


def test_assign_to_me_sets_the_owner(staff_client):
    a = make_inquiry()
    _action(staff_client, "assign_to_me", [a])
    a.refresh_from_db()
    assert a.owner.username == "staff"


def test_change_page_edits_pipeline_and_keeps_what_the_traveller_sent(staff_client):
    inquiry = make_inquiry(name="<b>Ana</b>", message="<script>x()</script>")
    url = reverse("admin:inquiries_inquiry_change", args=[inquiry.pk])
    body = staff_client.get(url).content.decode()
    assert "&lt;b&gt;Ana&lt;/b&gt;" in body
    assert "<script>x()</script>" not in body
    response = staff_client.post(
        url,
        {
            "status": "quote_sent",
            "owner": "",
            "staff_notes": "Sent the 4-day quote.",
            "name": "Tampered",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    inquiry.refresh_from_db()
    assert inquiry.status == "quote_sent"
    assert inquiry.staff_notes == "Sent the 4-day quote."
    assert inquiry.name == "<b>Ana</b>"  # read-only: kept as sent


def test_csv_export_of_the_selection(staff_client):
    trek = make_trek(name="Lares Trek")
    a = make_inquiry(
        trek=trek,
        name="Ana Quispe",
        email="ana@example.com",
        group_size=3,
        lead_source="tripadvisor",
        message='=HYPERLINK("http://evil.example")',
        travel_date=datetime.date(2027, 5, 1),
    )
    make_inquiry(name="Not Selected")
    response = _action(staff_client, "export_csv", [a])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="requests-')
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:8] == [
        "id",
        "received (UTC)",
        "status",
        "trek",
        "travel date",
        "people",
        "lead source",
        "name",
    ]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["trek"] == "Lares Trek"
    assert row["travel date"] == "2027-05-01"
    assert row["people"] == "3"
    assert row["lead source"] == "Tripadvisor"
    assert row["email"] == "ana@example.com"
    assert row["status"] == "New"
    # A formula typed in the form stays text in a spreadsheet.
    assert row["message"] == '\'=HYPERLINK("http://evil.example")'


def test_summary_counts_by_lead_source_and_trek_in_a_period(staff_client):
    lares = make_trek(name="Lares Trek")
    now = timezone.now()
    make_inquiry(trek=lares, lead_source="tripadvisor")
    make_inquiry(trek=lares, lead_source="tripadvisor", status=Inquiry.Status.WON)
    make_inquiry(lead_source="friend")
    make_inquiry(lead_source="friend", received_at=now - datetime.timedelta(days=90))
    response = staff_client.get(reverse("admin:inquiries_inquiry_summary"))
    assert response.status_code == 200
    by_source = {r["lead_source"]: (r["total"], r["won"]) for r in response.context["by_source"]}
    assert by_source == {"tripadvisor": (2, 1), "friend": (1, 0)}
    by_trek = {r["label"]: r["total"] for r in response.context["by_trek"]}
    assert by_trek == {"Lares Trek": 2, "(general request)": 1}
    assert response.context["total"] == 3
    assert "Tripadvisor" in response.content.decode()

    start = (timezone.localdate() - datetime.timedelta(days=100)).isoformat()
    wider = staff_client.get(reverse("admin:inquiries_inquiry_summary"), {"start": start})
    assert wider.context["total"] == 4


def test_changelist_links_to_the_summary(staff_client):
    body = _changelist(staff_client).content.decode()
    assert reverse("admin:inquiries_inquiry_summary") in body


def test_trek_with_requests_cannot_be_deleted(staff_client):
    from django.db.models import ProtectedError

    trek = make_trek()
    make_inquiry(trek=trek)
    with pytest.raises(ProtectedError):
        trek.delete()


def test_staff_can_record_a_request_that_came_by_phone(staff_client):
    url = reverse("admin:inquiries_inquiry_add")
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(
        url,
        {
            "status": "new",
            "travel_date": "2027-05-01",
            "group_size": "2",
            "lead_source": "returning",
            "name": "Caller",
            "email": "caller@example.com",
            "received_at_0": "2026-11-20",
            "received_at_1": "10:00:00",
            # The caller spoke Spanish: the confirmation goes out in Spanish.
            "language": "es",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Inquiry.objects.get().name == "Caller"
    assert Inquiry.objects.get().language == "es"
