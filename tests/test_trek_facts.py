from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import make_place, make_stage, make_trek, make_walk
from treks.models import Trek, TrekSummary
from treks.views import with_summary

pytestmark = pytest.mark.django_db


def _three_day_trek():
    """Bus, two walks (one over a pass) and a train: (trek, the pass)."""
    trek = make_trek()
    low = make_place(altitude_m=2900)
    high = make_place(altitude_m=4400)
    pass_ = make_place(altitude_m=4700)
    make_stage(
        trek,
        day=1,
        order=1,
        mode="bus",
        start_place=make_place(altitude_m=3400),
        end_place=low,
        distance_km=Decimal("80"),
        hours=Decimal("3"),
    )
    make_stage(
        trek,
        day=1,
        order=2,
        start_place=low,
        end_place=high,
        distance_km=Decimal("11.5"),
        hours=Decimal("6"),
        ascent_m=1500,
    )
    make_stage(
        trek,
        day=2,
        start_place=high,
        end_place=low,
        highest_place=pass_,
        distance_km=Decimal("14"),
        hours=Decimal("7"),
        ascent_m=300,
        descent_m=1800,
    )
    make_stage(
        trek,
        day=3,
        mode="train",
        start_place=low,
        end_place=make_place(altitude_m=2040),
        distance_km=Decimal("40"),
        hours=Decimal("2"),
    )
    return trek, pass_


def test_facts_add_up_the_walking_stages():
    trek, pass_ = _three_day_trek()
    facts = trek.facts
    assert facts.days == 3
    assert facts.walking_days == 2
    assert facts.walking_distance_km == Decimal("25.5")
    assert facts.walking_hours == Decimal("13")
    assert facts.ascent_m == 1800
    assert facts.descent_m == 1800
    assert facts.highest_place == pass_
    assert facts.max_altitude_m == 4700


def test_the_database_sums_the_same_figures_as_the_facts():
    """Alternatives in the comparison table are summed in SQL (`with_summary`), not from their
    stages: both ways must give the same figures, for every fixture trek and the edge cases."""
    call_command("loaddata", "catalogue", verbosity=0)
    _three_day_trek()
    make_trek(name="No stages yet")
    treks = with_summary(Trek.objects.all())
    assert treks.count() == 6
    for trek in treks:
        summary, facts = TrekSummary.from_annotations(trek), trek.facts
        assert summary == TrekSummary(
            facts.days, facts.walking_days, facts.walking_distance_km, facts.max_altitude_m
        ), trek.name


def test_trek_without_stages_has_empty_facts():
    facts = make_trek().facts
    assert facts.days == 0
    assert facts.walking_distance_km == 0
    assert facts.highest_place is None


@pytest.mark.parametrize(
    ("advertised", "mismatch"),
    [("33", False), ("36", False), ("30", False), ("37", True), ("29", True)],
)
def test_advertised_distance_tolerance_is_ten_percent(advertised, mismatch):
    trek = make_walk(make_trek(advertised_distance_km=Decimal(advertised)), 3, km=11)
    assert (trek.distance_mismatch() is not None) is mismatch


def test_admin_warns_when_advertised_distance_disagrees(staff_client):
    trek = make_walk(make_trek(advertised_distance_km=Decimal("50")), 3, km=11)
    change = staff_client.get(reverse("admin:treks_trek_change", args=[trek.pk]))
    assert "The advertised distance (50 km) differs from the walking stages (33 km)" in (
        change.content.decode()
    )
    listing = staff_client.get(reverse("admin:treks_trek_changelist"))
    assert "33 km ⚠" in listing.content.decode()


def test_admin_shows_no_warning_when_figures_agree(staff_client):
    trek = make_walk(make_trek(advertised_distance_km=Decimal("33")), 3, km=11)
    change = staff_client.get(reverse("admin:treks_trek_change", args=[trek.pk]))
    assert "differs from the walking stages" not in change.content.decode()
