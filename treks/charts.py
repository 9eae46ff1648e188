"""Server-drawn charts for a trek page: the elevation profile and the route sketch.

Both are plain geometry computed here and drawn as inline SVG by templates, so a page needs no
JavaScript, no map tiles and no third-party request, and the same figures can be printed as an
accessible table beside the drawing.
"""

import functools
import itertools
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

PROFILE_WIDTH = 640
PROFILE_HEIGHT = 260
PROFILE_MARGIN = {"left": 68, "right": 16, "top": 26, "bottom": 50}
# The phone's drawing: about as wide as a 375 px screen's column, so its 13-unit text renders at
# 12 px or more (a 640-unit drawing squeezed into 351 px would print it at 7 px).
PROFILE_NARROW = {"width": 360, "height": 250}
ALTITUDE_STEP_M = 500
CHART_FONT = 13  # SVG units; about as many CSS pixels at the width each drawing is shown
CHAR_WIDTH = 0.62 * CHART_FONT  # a generous average advance for DejaVu/Helvetica-like faces


@dataclass(frozen=True)
class ProfilePoint:
    km: Decimal
    altitude_m: int
    place_name: str
    day: int
    x: float = 0.0
    y: float = 0.0
    overnight: bool = False  # a night (camp, lodge, hotel) is spent here


@dataclass(frozen=True)
class DayMark:
    """A walking day on the profile: a line where it starts (after the first) and its label."""

    day: int
    x_start: float
    label_x: float
    short: bool  # too narrow for "Day 2": the number alone


@dataclass
class ElevationProfile:
    points: list
    width: int = PROFILE_WIDTH
    height: int = PROFILE_HEIGHT
    y_ticks: list = field(default_factory=list)  # (altitude, y)
    x_ticks: list = field(default_factory=list)  # (km, x)
    days: list = field(default_factory=list)  # DayMark
    plot_left: float = 0
    plot_right: float = 0
    plot_top: float = 0
    plot_bottom: float = 0

    @property
    def polyline(self):
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def area_path(self):
        """The filled shape under the line, closed along the bottom axis."""
        if not self.points:
            return ""
        first, last = self.points[0], self.points[-1]
        line = " L".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)
        return (
            f"M{first.x:.1f},{self.plot_bottom:.1f} L{line} L{last.x:.1f},{self.plot_bottom:.1f} Z"
        )

    @property
    def plot_viewbox(self):
        """The plot area alone, as an SVG viewBox: the profile drawn without axes or labels."""
        return (
            f"{self.plot_left} {self.plot_top} {self.plot_right - self.plot_left} "
            f"{self.plot_bottom - self.plot_top}"
        )

    @property
    def highest(self):
        return max(self.points, key=lambda p: p.altitude_m) if self.points else None

    def _pass_label_width(self, with_altitude):
        top = self.highest
        return (len(top.place_name) + (8 if with_altitude else 0)) * CHAR_WIDTH

    @property
    def pass_label_has_altitude(self):
        """A long pass name on a phone leaves no room for its altitude, which the axis, the
        table and the key facts give anyway."""
        return self._pass_label_width(True) <= self.width - 2 - self.plot_left

    @property
    def pass_label_x(self):
        """The left end of the pass's label: centred over the pass, moved inside the frame and
        clear of the altitude axis's labels."""
        width = self._pass_label_width(self.pass_label_has_altitude)
        left = self.plot_left if width <= self.width - 2 - self.plot_left else 2
        return max(left, min(self.highest.x - width / 2, self.width - 2 - width))

    @property
    def camps(self):
        return [p for p in self.points if p.overnight]

    @property
    def day_label_y(self):
        return self.plot_bottom + 40

    @property
    def pass_label_y(self):
        """Above the plot, over the pass: no line of the profile can run through it there."""
        return self.plot_top - 8

    @property
    def km_label_y(self):
        return self.plot_bottom + 18


def profile_points(stages):
    """Distance along the walking stages against altitude, one point per place passed."""
    points = []
    km = Decimal(0)
    for stage in stages:
        if not stage.is_walk:
            continue
        if not points or points[-1].place_name != stage.start_place.name:
            points.append(
                ProfilePoint(km, stage.start_place.altitude_m, stage.start_place.name, stage.day)
            )
        if stage.highest_place_id:
            # Where on the leg the pass lies is not stored; halfway is an honest sketch.
            points.append(
                ProfilePoint(
                    km + stage.distance_km / 2,
                    stage.highest_place.altitude_m,
                    stage.highest_place.name,
                    stage.day,
                )
            )
        km += stage.distance_km
        points.append(
            ProfilePoint(
                km,
                stage.end_place.altitude_m,
                stage.end_place.name,
                stage.day,
                overnight=stage.overnight != stage.Overnight.NONE,
            )
        )
    return points


def altitude_range(points):
    """The 500 m steps that hold every point: the profile's vertical axis."""
    low = min(p.altitude_m for p in points) // ALTITUDE_STEP_M * ALTITUDE_STEP_M
    high = -(-max(p.altitude_m for p in points) // ALTITUDE_STEP_M) * ALTITUDE_STEP_M
    return low, (high if high > low else low + ALTITUDE_STEP_M)


def elevation_profile(stages, *, width=PROFILE_WIDTH, height=PROFILE_HEIGHT, altitudes=None):
    """The profile drawn in a `width` x `height` frame. `altitudes` (low, high) puts several
    profiles on one vertical scale (the catalogue's thumbnails); by default it fits the trek."""
    points = profile_points(stages)
    if len(points) < 2:
        return None
    m = PROFILE_MARGIN
    left, right = m["left"], width - m["right"]
    top, bottom = m["top"], height - m["bottom"]
    low, high = altitudes or altitude_range(points)
    total_km = float(points[-1].km) or 1.0

    def x_of(km):
        return left + (right - left) * float(km) / total_km

    def y_of(alt):
        return bottom - (bottom - top) * (alt - low) / (high - low)

    placed = [
        ProfilePoint(
            p.km, p.altitude_m, p.place_name, p.day, x_of(p.km), y_of(p.altitude_m), p.overnight
        )
        for p in points
    ]
    # Tick labels ("60 km") need about 5.5 characters and a gap: as many as the width holds.
    room = max(1, int((right - left) // (6.5 * CHAR_WIDTH)))
    km_step = next((step for step in (5, 10, 20, 50) if total_km / step <= room), 100)
    x_ticks = [(k, x_of(k)) for k in range(0, int(total_km) + 1, km_step)]
    y_ticks = [(a, y_of(a)) for a in range(low, high + 1, ALTITUDE_STEP_M)]
    return ElevationProfile(
        points=placed,
        width=width,
        height=height,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        days=_day_marks(placed),
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
    )


def _day_marks(points):
    """Each walking day's span on the profile, labelled in its middle; a label that would touch
    the one before it shortens to the number, or is left out (the table lists every day)."""
    spans = {}
    for p in points:
        start, end = spans.get(p.day, (p.x, p.x))
        spans[p.day] = (min(start, p.x), max(end, p.x))
    days = sorted(spans)
    # A day starts where the one before it ended: its first point is the last day's camp.
    starts = [spans[days[0]][0]] + [spans[d][1] for d in days[:-1]]
    marks = []
    last_right = float("-inf")
    for day, x_start in zip(days, starts, strict=True):
        x_end = spans[day][1]
        middle = (x_start + x_end) / 2
        for short, chars in ((False, 6), (True, 2)):
            half = chars * CHAR_WIDTH / 2
            if middle - half > last_right + CHAR_WIDTH:
                marks.append(DayMark(day, x_start, middle, short))
                last_right = middle + half
                break
        else:
            marks.append(DayMark(day, x_start, None, True))
    return marks


SKETCH_WIDTH = 640
SKETCH_HEIGHT = 400
SKETCH_PADDING = 48
# The phone's sketch: narrower and taller, its labels on two lines (name, then altitude).
SKETCH_NARROW = {"width": 360, "height": 460, "padding": 36, "two_line": True}
ALTITUDE_FONT = CHART_FONT  # 11 would print at 10.7 px on a phone
LINE_HEIGHT = 16
CROSSING_COST = 20000.0  # a label over a line: the worst, with a label over a label
# A leader through a label placed earlier: bad, but the label still reads.
LEADER_OVER_LABEL_COST = 3000.0
LEADER_CROSSING_COST = 300.0
OVERLAP_COST = 200.0  # per unit of area: labels over labels or dots are the worst outcome
OUTSIDE_COST = 1000.0  # a label cut by the frame's edge cannot be read
SHUFFLES = 4


@dataclass(frozen=True)
class SketchPlace:
    name: str
    altitude_m: int
    x: float
    y: float
    label_x: float
    label_y: float  # the middle of the label's box
    label_anchor: str  # "start" (label right of the dot), "end" (left of it) or "middle"
    has_leader: bool = False  # a label set apart from its dot gets a thin line back to it
    leader_x: float = 0.0
    leader_y: float = 0.0


def _label_size(name, altitude, two_line):
    name_w = len(name) * CHAR_WIDTH
    alt_w = (len(f"{altitude:,}") + 2) * ALTITUDE_FONT * 0.62
    if two_line:
        return max(name_w, alt_w), 2 * LINE_HEIGHT
    return name_w + CHAR_WIDTH / 2 + alt_w, LINE_HEIGHT


def _label_box(x, y, anchor, size):
    width, height = size
    left = {"start": x, "end": x - width, "middle": x - width / 2}[anchor]
    return (left, y - height / 2, left + width, y + height / 2)


def _overlap_area(a, b):
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _covered_area(box, taken):
    """The sum of `_overlap_area(box, t)` over `taken`, written out: it runs for every spot tried
    for every label, which made it most of the cost of drawing the sketch."""
    left, top, right, bottom = box
    area = 0.0
    for t_left, t_top, t_right, t_bottom in taken:
        width = (right if right < t_right else t_right) - (left if left > t_left else t_left)
        if width > 0:
            height = (bottom if bottom < t_bottom else t_bottom) - (top if top > t_top else t_top)
            if height > 0:
                area += width * height
    return area


def _segment_hits_box(a, b, box, pad=3.0):
    """Whether the segment a-b passes through `box` grown by `pad` (Liang-Barsky clipping)."""
    left, top, right, bottom = box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
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


def _lines_through(box, lines, pad=3.0):
    """How many of `lines` pass through `box` grown by `pad`. A line whose own bounding box
    misses the grown box is skipped before the clipping test: most lines are far from most
    spots, and this check runs for every spot tried for every label."""
    left, top, right, bottom = box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad
    count = 0
    for a, b in lines:
        if (a[0] < left and b[0] < left) or (a[0] > right and b[0] > right):
            continue
        if (a[1] < top and b[1] < top) or (a[1] > bottom and b[1] > bottom):
            continue
        count += _segment_hits_box(a, b, box, pad)
    return count


def _segments_cross(a, b, c, d):
    """Whether segments a-b and c-d cross, not counting a shared end (a leg leaving the dot)."""
    if min(math.dist(p, q) for p in (a, b) for q in (c, d)) < 0.5:
        return False

    def turn(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return turn(a, b, c) * turn(a, b, d) < 0 and turn(c, d, a) * turn(c, d, b) < 0


def _outside_area(box, width, height):
    inner = (2, 2, width - 2, height - 2)
    full = (box[2] - box[0]) * (box[3] - box[1])
    return full - _overlap_area(box, inner)


def _candidates(size):
    """Spots for a label around its dot, nearest first: (dx, dy, anchor, needs a leader).

    Beside, above and below the dot first; then in sixteen directions at growing distances,
    joined to the dot by a leader line, for dots crowded together.
    """
    _width, height = size
    gap = 9
    spots = [
        (gap, 0, "start", False),
        (-gap, 0, "end", False),
        (0, -(height / 2 + gap), "middle", False),
        (0, height / 2 + gap, "middle", False),
        (gap, -(height / 2 + 2), "start", False),
        (gap, height / 2 + 2, "start", False),
        (-gap, -(height / 2 + 2), "end", False),
        (-gap, height / 2 + 2, "end", False),
    ]
    for reach in (28, 52, 80, 110, 145, 185, 230, 280):
        for step in range(24):
            angle = math.pi * 2 * step / 24
            cos, sin = math.cos(angle), math.sin(angle)
            anchor = "start" if cos > 0.3 else "end" if cos < -0.3 else "middle"
            dx = (gap + reach) * cos
            dy = (gap + reach) * sin + (height / 2) * (1 if sin > 0.3 else -1 if sin < -0.3 else 0)
            spots.append((dx, dy, anchor, True))
    return spots


def _leader_end(x, y, box):
    """The point of `box` nearest the dot: where a leader line from the dot stops."""
    return (min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3]))


# The layout is a pure function of the drawing's geometry, and its search is the dearest part
# of building a trek page (about 60 ms a sketch in one process): kept for the geometries a
# worker has drawn. The same in every worker and after a restart (fixed seeds), so nothing can
# go stale: an edited place moves a dot, and a moved dot is another key.
@functools.lru_cache(maxsize=128)
def _place_labels(dots, segments, *, width, height, two_line, reserved=()):
    """Put each label beside its dot where it covers the least of what is already drawn.

    `dots` is a list of (name, altitude, x, y), `segments` the route's lines as point pairs.
    Greedy: spots around each dot are scored by how much they overlap earlier labels, dots and
    `reserved` boxes, by the lines they cross (their own leader's too) and by how much of them
    leaves the frame. Tried in three orders (route, reversed, most crowded first); the layout
    that costs least wins, returned in route order.
    """

    def crowding(dot):
        return -sum(math.dist(dot[2:], other[2:]) < 60 for other in dots)

    orders = [
        list(range(len(dots))),
        list(reversed(range(len(dots)))),
        sorted(range(len(dots)), key=lambda i: crowding(dots[i])),
    ]
    # A few more, shuffled with fixed seeds: the same layout on every render and every worker.
    for seed in range(SHUFFLES):
        order = list(range(len(dots)))
        random.Random(seed).shuffle(order)  # noqa: S311 (a layout, not a secret)
        orders.append(order)
    best = None
    for order in orders:
        layout = _place_in_order(dots, order, segments, width, height, two_line, reserved)
        if best is None or layout[0] < best[0]:
            best = layout
        if best[0] == 0:
            break  # nothing overlaps, nothing crosses: no order can do better
    return best[1]


def _place_in_order(dots, order, segments, width, height, two_line, reserved):
    taken = [(x - 7, y - 7, x + 7, y + 7) for _, _, x, y in dots] + list(reserved)
    lines = list(segments)
    placed = {}
    total = 0.0
    for index in order:
        name, altitude, x, y = dots[index]
        size = _label_size(name, altitude, two_line)
        best = None
        for rank, (dx, dy, anchor, leader) in enumerate(_candidates(size)):
            lx, ly = x + dx, y + dy
            box = _label_box(lx, ly, anchor, size)
            cost = OVERLAP_COST * _covered_area(box, taken)
            cost += OUTSIDE_COST * _outside_area(box, width, height)
            # The costlier checks only while this spot can still beat the best one so far.
            if best is None or cost < best[0][0]:
                cost += CROSSING_COST * _lines_through(box, lines)
            if leader and (best is None or cost < best[0][0]):
                end = _leader_end(x, y, box)
                own_dot = taken[index]  # the leader starts there
                cost += LEADER_OVER_LABEL_COST * sum(
                    _segment_hits_box((x, y), end, t) for t in taken if t is not own_dot
                )
                # A leader across the route is allowed, but reads worse than one that is not.
                cost += LEADER_CROSSING_COST * sum(
                    _segments_cross((x, y), end, a, b) for a, b in lines
                )
            key = (cost, rank)
            if best is None or key < best[0]:
                best = (key, lx, ly, anchor, box, leader)
            if cost == 0:
                break  # spots come nearest first: a free one cannot be beaten
        (cost, _rank), lx, ly, anchor, box, leader = best
        total += cost
        taken.append(box)
        end = _leader_end(x, y, box) if leader else (x, y)
        if leader:
            lines.append(((x, y), end))
        placed[index] = SketchPlace(name, altitude, x, y, lx, ly, anchor, leader, *end)
    return total, tuple(placed[i] for i in range(len(dots)))


@dataclass(frozen=True)
class SketchLeg:
    mode: str
    points: str  # "x,y x,y" for an SVG polyline


@dataclass
class RouteSketch:
    places: list
    legs: list
    width: int = SKETCH_WIDTH
    height: int = SKETCH_HEIGHT
    scale_km: int = 10
    scale_px: float = 0.0
    two_line: bool = False

    @property
    def first_line_dy(self):
        """How far above the box's middle a label's first line sits."""
        return -LINE_HEIGHT / 2 if self.two_line else 0


def route_sketch(
    stages, *, width=SKETCH_WIDTH, height=SKETCH_HEIGHT, padding=SKETCH_PADDING, two_line=False
):
    """The stages' places projected onto a flat frame (equirectangular: fine over 100 km)."""
    if not stages:
        return None
    chain = {}  # pk -> place, in route order
    for stage in stages:
        for place in (stage.start_place, stage.highest_place, stage.end_place):
            if place is not None:
                chain.setdefault(place.pk, place)
    chain = list(chain.values())
    if len(chain) < 2:
        return None
    mean_lat = math.radians(sum(float(p.latitude) for p in chain) / len(chain))
    km_per_deg = 111.32

    def project(place):
        return (
            float(place.longitude) * math.cos(mean_lat) * km_per_deg,
            -float(place.latitude) * km_per_deg,
        )

    raw = {place.pk: project(place) for place in chain}
    xs = [x for x, _ in raw.values()]
    ys = [y for _, y in raw.values()]
    min_x, min_y = min(xs), min(ys)
    scale = min(
        (width - 2 * padding) / max(max(xs) - min_x, 1.0),
        (height - 2 * padding) / max(max(ys) - min_y, 1.0),
    )
    # Centre the drawing in the frame.
    off_x = (width - (max(xs) - min_x) * scale) / 2
    off_y = (height - (max(ys) - min_y) * scale) / 2

    def to_frame(pk):
        x, y = raw[pk]
        return (off_x + (x - min_x) * scale, off_y + (y - min_y) * scale)

    legs, segments = [], []
    for stage in stages:
        route = [
            to_frame(p.pk) for p in (stage.start_place, stage.highest_place, stage.end_place) if p
        ]
        legs.append(SketchLeg(stage.mode, " ".join(f"{x:.1f},{y:.1f}" for x, y in route)))
        segments += list(itertools.pairwise(route))
    scale_km = 10 if scale * 10 < width / 3 else 5
    # The north arrow (top right) and the scale bar (bottom left) are drawn there: keep clear.
    reserved = [
        (width - 40, 6, width - 4, 32),
        (8, height - 40, 16 + scale * scale_km + 8, height - 12),
    ]
    places = _place_labels(
        tuple((place.name, place.altitude_m, *to_frame(place.pk)) for place in chain),
        tuple(segments),
        width=width,
        height=height,
        two_line=two_line,
        reserved=tuple(reserved),
    )
    return RouteSketch(
        places=list(places),
        legs=legs,
        width=width,
        height=height,
        scale_km=scale_km,
        scale_px=scale * scale_km,
        two_line=two_line,
    )
