"""The trek page's charts at a phone's and a desktop's width, measured in Chromium through the
DOM: every chart inside the screen, its text printed at 12 px or more, no label over another
label or over a line, the comparison stacked into cards on a phone."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import WIDTHS, horizontal_overflow

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TREK_PAGES = [
    "/treks/lares-trek/",
    "/treks/classic-inca-trail/",
    "/treks/short-inca-trail/",
    "/treks/salkantay-trek/",
    "/es/caminatas/caminata-lares/",
]

# Every text's box and size on screen, and every line (route legs, the profile's line and day
# boundaries) as screen-space segments. Leaders (a label's thin line back to its dot) are left
# out: in the Inca Trail's crowded end a leader may pass through another label.
MEASURE = """svg => {
  const m = svg.getScreenCTM();
  const at = (x, y) => [x * m.a + m.e, y * m.d + m.f];
  const texts = [...svg.querySelectorAll("text")].map(t => {
    const r = t.getBoundingClientRect();
    const sizes = [t, ...t.querySelectorAll("tspan")].map(
      e => parseFloat(e.getAttribute("font-size") || t.getAttribute("font-size")) * m.a);
    return {text: t.textContent.trim(), box: [r.left, r.top, r.right, r.bottom],
            size: Math.min(...sizes)};
  });
  const segments = [];
  for (const line of svg.querySelectorAll("polyline.leg, polyline.profile-line")) {
    const pts = line.getAttribute("points").trim().split(/\\s+/)
      .map(p => at(...p.split(",").map(Number)));
    for (let i = 1; i < pts.length; i++) segments.push([pts[i - 1], pts[i]]);
  }
  for (const line of svg.querySelectorAll("line.day-boundary")) {
    const g = n => parseFloat(line.getAttribute(n));
    segments.push([at(g("x1"), g("y1")), at(g("x2"), g("y2"))]);
  }
  const r = svg.getBoundingClientRect();
  return {texts, segments, box: [r.left, r.top, r.right, r.bottom]};
}"""


def _overlap(a, b, slack=1.0):
    return min(a[2], b[2]) - max(a[0], b[0]) > slack and min(a[3], b[3]) - max(a[1], b[1]) > slack


def _crosses(segment, box, inset=2.0):
    """Whether a segment passes through a text's box (shrunk a little: the box holds the
    font's ascent and descent, wider than the letters)."""
    left, top, right, bottom = box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset
    (x0, y0), (x1, y1) = segment
    t0, t1 = 0.0, 1.0
    for p, q in (
        (x0 - x1, x0 - left),
        (x1 - x0, right - x0),
        (y0 - y1, y0 - top),
        (y1 - y0, bottom - y0),
    ):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


@pytest.fixture
def demo_catalogue():
    call_command("loaddata", "catalogue", verbosity=0)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", TREK_PAGES)
def test_charts_fit_and_their_labels_are_legible_and_apart(open_page, demo_catalogue, width, path):
    page = open_page(width, path)
    charts = [svg for svg in page.locator("figure.chart svg").all() if svg.is_visible()]
    assert len(charts) == 2, "one profile and one sketch at this width"
    for svg in charts:
        svg.scroll_into_view_if_needed()
        found = svg.evaluate(MEASURE)
        assert found["box"][0] >= 0 and found["box"][2] <= width, "chart wider than the screen"
        texts = found["texts"]
        assert len(texts) > 5
        left, top, right, bottom = found["box"]
        for text in texts:
            assert text["size"] >= 12, f"{text['text']!r} at {text['size']:.1f} px"
            box = text["box"]
            inside = box[0] >= left - 1 and box[2] <= right + 1
            assert inside and box[1] >= top - 1 and box[3] <= bottom + 1, f"{text['text']!r} cut"
        for i, a in enumerate(texts):
            for b in texts[i + 1 :]:
                assert not _overlap(a["box"], b["box"]), f"{a['text']!r} over {b['text']!r}"
            for segment in found["segments"]:
                assert not _crosses(segment, a["box"]), f"a line crosses {a['text']!r}"
    assert horizontal_overflow(page) == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_profile_marks_days_camps_and_the_pass(open_page, demo_catalogue, width):
    page = open_page(width, "/treks/lares-trek/")
    profile = page.get_by_role("img", name="Elevation profile of the Lares Trek")
    expect(profile).to_be_visible()
    expect(profile.locator(".day-label")).to_have_text(["Day 1", "Day 2", "Day 3"])
    expect(profile.locator("line.day-boundary")).to_have_count(2)
    expect(profile.locator("path.camp")).to_have_count(2)  # Huacahuasi, Ipsaycocha Lake
    expect(profile.locator(".pass-label")).to_have_text("Ipsaycocha Pass 4,450 m")


def test_comparison_is_stacked_cards_on_a_phone_with_every_figure(open_page, demo_catalogue):
    page = open_page(375, "/treks/lares-trek/")
    table = page.locator("table.comparison")
    table.scroll_into_view_if_needed()
    rows = table.locator("tbody tr").all()
    assert len(rows) == 4
    tops = []
    for row in rows:
        box = row.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
        assert box["width"] > 300  # a card across the column, not a squeezed table row
        tops.append(box["y"])
        permits = row.locator('td[data-label="Permits"]')
        expect(permits).to_be_visible()
        assert permits.inner_text() in {"Required", "None"}
        expect(row.locator('td[data-label="Price"]')).to_have_text("Ask for a quote")
    assert tops == sorted(tops) and len(set(tops)) == 4  # one under the other


def test_catalogue_thumbnails_fit_the_screen(open_page, demo_catalogue):
    page = open_page(375, "/treks/")
    for thumb in page.locator("svg.profile-thumb").all():
        box = thumb.bounding_box()
        assert box["x"] + box["width"] <= 375
    assert horizontal_overflow(page) == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_priced_trek_page_has_no_wcag_violations_and_fits(open_page, demo_catalogue, width):
    from tests.browser.test_accessibility import axe_violations
    from treks.models import Trek

    trek = Trek.objects.get(slug="salkantay-trek")
    trek.price_tiers = "1: 950\n2-3: 780\n4-7: 650\n8+: 590\nprivate 2-3: 1200"
    trek.save()
    page = open_page(width, "/treks/salkantay-trek/")
    table = page.locator("table.prices")
    table.scroll_into_view_if_needed()
    expect(table).to_be_visible()
    box = table.bounding_box()
    assert box["x"] + box["width"] <= width
    count, report = axe_violations(page)
    assert count == 0, report
    assert horizontal_overflow(page) == 0
