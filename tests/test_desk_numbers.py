"""The numbers page (issue 16, item 5): funnel by status, conversion by lead source and trek,
travellers as well as requests, median time to the first reply, by month; SVG bar charts
drawn on the server with a table beside each; CSV export of the same tables."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from inquiries.models import Inquiry
from tests.factories import make_inquiry, make_trek

pytestmark = pytest.mark.django_db

URL = reverse("admin:inquiries_inquiry_numbers")


@pytest.fixture
def season():
    """Requests received in January and February 2027 (Cusco dates)."""
    lares = make_trek(name="Lares Trek")
    jan = datetime.datetime(2027, 1, 10, 15, 0, tzinfo=datetime.UTC)
    feb = datetime.datetime(2027, 2, 10, 15, 0, tzinfo=datetime.UTC)
    hour = datetime.timedelta(hours=1)
    make_inquiry(
        trek=lares,
        lead_source="tripadvisor",
        group_size=4,
        status="won",
        received_at=jan,
        first_reply_at=jan + 2 * hour,
    )
    make_inquiry(
        trek=lares,
        lead_source="tripadvisor",
        group_size=2,
        status="replied",
        received_at=jan,
        first_reply_at=jan + 4 * hour,
    )
    make_inquiry(
        lead_source="friend", group_size=1, received_at=jan, first_reply_at=jan + 30 * hour
    )
    make_inquiry(trek=lares, lead_source="friend", group_size=3, status="won", received_at=feb)
    make_inquiry(lead_source="friend", group_size=9, received_at=feb, spam_reason="honeypot")
    # Outside the period.
    make_inquiry(lead_source="friend", group_size=5, received_at=feb.replace(year=2026))
    return {"start": "2027-01-01", "end": "2027-02-28"}


def test_funnel_counts_requests_and_travellers_by_status(staff_client, season):
    response = staff_client.get(URL, season)
    assert response.status_code == 200
    funnel = {r.label: (r.requests, r.travellers) for r in response.context["tables"]["funnel"]}
    assert funnel == {
        "New": (1, 1),
        "Replied": (1, 2),
        "Quote sent": (0, 0),
        "Won": (2, 7),
        "Lost": (0, 0),
    }
    assert response.context["total"] == 4
    assert response.context["travellers"] == 10


def test_conversion_by_lead_source_and_by_trek(staff_client, season):
    response = staff_client.get(URL, season)
    source = {
        r.label: (r.requests, r.won, r.conversion) for r in response.context["tables"]["source"]
    }
    assert source == {"Tripadvisor": (2, 1, 50.0), "A friend or relative": (2, 1, 50.0)}
    trek = {
        r.label: (r.requests, r.travellers, r.won_travellers, r.conversion)
        for r in response.context["tables"]["trek"]
    }
    assert trek == {"Lares Trek": (3, 9, 7, 66.7), "(general request)": (1, 1, 0, 0.0)}


def test_by_month_with_the_median_time_to_the_first_reply(staff_client, season):
    response = staff_client.get(URL, season)
    months = response.context["tables"]["month"]
    assert [(m.label.strftime("%Y-%m"), m.requests, m.travellers) for m in months] == [
        ("2027-01", 3, 7),
        ("2027-02", 1, 3),
    ]
    assert months[0].median_reply_hours == 4.0
    assert months[1].median_reply is None
    assert response.context["median_reply_hours"] == 4.0


def test_each_chart_is_an_svg_drawn_on_the_server_beside_its_table(staff_client, season):
    body = staff_client.get(URL, season).content.decode()
    assert body.count('<svg class="desk-chart"') == 4
    for table in ("funnel", "source", "trek", "month"):
        assert f'id="numbers-{table}"' in body
    assert "<script" not in body.split('id="content-main"')[1].split("</main>")[0]
    chart = staff_client.get(URL, season).context["charts"]["trek"]
    widths = {bar.label: bar.width for bar in chart.bars}
    assert widths["Lares Trek"] == chart.plot_width  # the largest fills the plot
    assert widths["(general request)"] == 0


def test_export_gives_the_same_table_as_csv(staff_client, season):
    response = staff_client.get(URL, {**season, "export": "trek"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="numbers-trek-20270101-20270228.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Label", "Requests", "Travellers"]
    assert rows[1][:6] == ["Lares Trek", "3", "9", "2", "7", "66.7"]
    month = staff_client.get(URL, {**season, "export": "month"})
    rows = list(csv.reader(io.StringIO(month.content.decode("utf-8-sig"))))
    assert rows[1][0] == "2027-01" and rows[1][-1] == "4.0"


def test_a_trek_name_that_looks_like_a_formula_is_exported_as_text(staff_client):
    make_inquiry(trek=make_trek(name="=HYPERLINK(1)"))
    response = staff_client.get(URL, {"export": "trek"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_default_period_is_the_last_twelve_months(staff_client):
    make_inquiry(received_at=timezone.now() - datetime.timedelta(days=40))
    make_inquiry(received_at=timezone.now() - datetime.timedelta(days=400))
    response = staff_client.get(URL)
    assert response.context["total"] == 1
    assert response.context["start"].day == 1


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2027-13-01"},
        {"end": "yesterday"},
        {"start": "2027-02-01", "end": "2027-01-01"},
        {"start": "2000-01-01", "end": "2027-01-01"},
        {"start": "9" * 50},
    ],
)
def test_a_bad_period_is_refused_with_a_message_and_the_default_shown(staff_client, params):
    make_inquiry()
    response = staff_client.get(URL, params)
    assert response.status_code == 200
    assert not response.context["form"].is_valid()
    assert 'class="errorlist' in response.content.decode()
    assert response.context["total"] == 1  # the default period


def test_numbers_take_a_fixed_number_of_queries(
    staff_client, season, django_assert_max_num_queries
):
    for _ in range(30):
        make_inquiry(trek=make_trek(), status=Inquiry.Status.WON)
    with django_assert_max_num_queries(12):
        assert staff_client.get(URL).status_code == 200


def test_unknown_export_shows_the_page(staff_client):
    response = staff_client.get(URL, {"export": "users"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
