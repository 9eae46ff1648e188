"""The charts' geometry (treks/charts.py): day boundaries, camps and the pass on the profile,
labels of the route sketch apart from each other and from the route, one altitude scale for a
listing's thumbnails."""

import itertools
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.factories import make_place, make_stage, make_trek, make_walk
from treks import charts
from treks.models import ItineraryStage, Trek
from treks.views import card_treks, with_card_data

pytestmark = pytest.mark.django_db

CAMP = ItineraryStage.Overnight.CAMP


def _stages(trek):
    return list(Trek.objects.with_stages().get(pk=trek.pk).stages.all())


def test_profile_marks_where_each_walking_day_starts():
    trek = make_walk(make_trek(), 3, km=10)
    profile = charts.elevation_profile(_stages(trek))
    assert [d.day for d in profile.days] == [1, 2, 3]
    width = profile.plot_right - profile.plot_left
    starts = [round((d.x_start - profile.plot_left) / width * 30) for d in profile.days]
    assert starts == [0, 10, 20]  # km where days 1, 2 and 3 start
    assert all(not d.short and d.label_x is not None for d in profile.days)


def test_day_labels_of_short_days_never_touch_each_other():
    trek = make_trek()
    places = [make_place(altitude_m=3000 + 50 * i) for i in range(6)]
    for day in range(1, 6):
        make_stage(
            trek,
            day=day,
            start_place=places[day - 1],
            end_place=places[day],
            distance_km=Decimal(30 if day == 5 else "0.5"),
        )
    profile = charts.elevation_profile(_stages(trek), **charts.PROFILE_NARROW)
    assert len(profile.days) == 5
    shown = [d for d in profile.days if d.label_x is not None]
    spans = [
        (d.label_x - w / 2, d.label_x + w / 2)
        for d in shown
        for w in [(2 if d.short else 6) * charts.CHAR_WIDTH]
    ]
    for (_, right), (left, _) in itertools.pairwise(spans):
        assert right < left
    assert len(shown) < 5  # some of the crowded days had to give up their label


def test_profile_marks_the_camps_and_the_pass():
    trek = make_trek()
    low, camp, top, end = (make_place(altitude_m=alt) for alt in (3000, 3800, 4600, 2900))
    make_stage(trek, day=1, start_place=low, end_place=camp, overnight=CAMP)
    make_stage(trek, day=2, start_place=camp, highest_place=top, end_place=end)
    profile = charts.elevation_profile(_stages(trek))
    assert [p.place_name for p in profile.camps] == [camp.name]
    assert profile.highest.place_name == top.name
    assert profile.pass_label_y < profile.plot_top  # above every line of the plot


def test_long_pass_name_stays_inside_a_phones_profile():
    trek = make_trek()
    low = make_place(altitude_m=3000)
    top = make_place(name="Abra Warmiwañusca (de la Mujer Muerta)", altitude_m=4215)
    make_stage(trek, start_place=low, highest_place=top, end_place=make_place(altitude_m=2600))
    profile = charts.elevation_profile(_stages(trek), **charts.PROFILE_NARROW)
    width = profile._pass_label_width(profile.pass_label_has_altitude)
    assert profile.pass_label_x >= 0
    assert profile.pass_label_x + width <= profile.width


def test_narrow_charts_are_drawn_for_a_phones_column():
    trek = make_walk(make_trek(), 2)
    stages = _stages(trek)
    assert charts.elevation_profile(stages, **charts.PROFILE_NARROW).width == 360
    sketch = charts.route_sketch(stages, **charts.SKETCH_NARROW)
    assert (sketch.width, sketch.two_line) == (360, True)


@pytest.mark.parametrize("frame", [{}, charts.SKETCH_NARROW], ids=["wide", "narrow"])
def test_sketch_labels_of_the_demo_treks_miss_each_other_and_the_route(frame):
    call_command("loaddata", "catalogue", verbosity=0)
    for trek in Trek.objects.with_stages():
        sketch = charts.route_sketch(list(trek.stages.all()), **frame)
        boxes = [
            charts._label_box(
                p.label_x,
                p.label_y,
                p.label_anchor,
                charts._label_size(p.name, p.altitude_m, sketch.two_line),
            )
            for p in sketch.places
        ]
        route = []
        for leg in sketch.legs:
            points = [tuple(map(float, xy.split(","))) for xy in leg.points.split()]
            route += itertools.pairwise(points)
        for box in boxes:
            assert box[0] >= 0 and box[2] <= sketch.width, trek.name
            assert not any(charts._segment_hits_box(a, b, box, pad=0) for a, b in route), trek
        for a, b in itertools.combinations(boxes, 2):
            assert charts._overlap_area(a, b) < 10, trek.name


def test_sketch_layout_is_the_same_on_every_render():
    call_command("loaddata", "catalogue", verbosity=0)
    stages = list(Trek.objects.with_stages().get(slug="classic-inca-trail").stages.all())
    first = charts.route_sketch(stages, **charts.SKETCH_NARROW)
    again = charts.route_sketch(stages, **charts.SKETCH_NARROW)
    assert first.places == again.places


def test_catalogue_thumbnails_share_one_altitude_scale(client):
    low = make_walk(make_trek(name="Low"), 2, start_altitude=2600, step=100)
    high = make_walk(make_trek(name="High"), 2, start_altitude=2600, step=1000)
    treks = {t.name: t for t in with_card_data(card_treks(Trek.objects.published()))}
    assert treks["Low"].thumb.y_ticks == treks["High"].thumb.y_ticks
    # Drawn alone, the low trek would fill its card as steeply as the high one.
    alone = charts.elevation_profile(_stages(low))
    assert alone.y_ticks != treks["Low"].thumb.y_ticks
    html = client.get("/treks/").text
    assert len(re.findall(r'class="profile-thumb"', html)) == 2
    assert high.pk  # both drawn on the listing


def test_trek_page_draws_each_chart_for_a_phone_and_a_wider_screen(client):
    trek = make_walk(make_trek(), 2)
    html = client.get(trek.get_absolute_url()).text
    for chart in ("profile", "sketch"):
        for variant in ("wide", "narrow"):
            assert f'id="{chart}-title-{variant}"' in html
    assert 'class="chart-svg chart-narrow"' in html
    assert "chart-scroll" not in html  # nothing scrolls sideways any more
