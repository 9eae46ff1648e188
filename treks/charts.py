"""Server-drawn charts for a trek page: the elevation profile and the route sketch.

Both are plain geometry computed here and drawn as inline SVG by templates, so a page needs no
JavaScript, no map tiles and no third-party request, and the same figures can be printed as an
accessible table beside the drawing.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

PROFILE_WIDTH = 640
PROFILE_HEIGHT = 240
PROFILE_MARGIN = {"left": 56, "right": 16, "top": 16, "bottom": 36}
ALTITUDE_STEP_M = 500


@dataclass(frozen=True)
class ProfilePoint:
    km: Decimal
    altitude_m: int
    place_name: str
    day: int
    x: float = 0.0
    y: float = 0.0


@dataclass
class ElevationProfile:
    points: list
    width: int = PROFILE_WIDTH
    height: int = PROFILE_HEIGHT
    y_ticks: list = field(default_factory=list)  # (altitude, y)
    x_ticks: list = field(default_factory=list)  # (km, x)
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
    def highest(self):
        return max(self.points, key=lambda p: p.altitude_m) if self.points else None


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
        points.append(ProfilePoint(km, stage.end_place.altitude_m, stage.end_place.name, stage.day))
    return points


def elevation_profile(stages):
    points = profile_points(stages)
    if len(points) < 2:
        return None
    m = PROFILE_MARGIN
    left, right = m["left"], PROFILE_WIDTH - m["right"]
    top, bottom = m["top"], PROFILE_HEIGHT - m["bottom"]
    low = min(p.altitude_m for p in points) // ALTITUDE_STEP_M * ALTITUDE_STEP_M
    high = -(-max(p.altitude_m for p in points) // ALTITUDE_STEP_M) * ALTITUDE_STEP_M
    if high == low:
        high = low + ALTITUDE_STEP_M
    total_km = float(points[-1].km) or 1.0

    def x_of(km):
        return left + (right - left) * float(km) / total_km

    def y_of(alt):
        return bottom - (bottom - top) * (alt - low) / (high - low)

    placed = [
        ProfilePoint(p.km, p.altitude_m, p.place_name, p.day, x_of(p.km), y_of(p.altitude_m))
        for p in points
    ]
    km_step = 5 if total_km <= 60 else 10
    x_ticks = [(k, x_of(k)) for k in range(0, int(total_km) + 1, km_step)]
    y_ticks = [(a, y_of(a)) for a in range(low, high + 1, ALTITUDE_STEP_M)]
    return ElevationProfile(
        points=placed,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
    )


SKETCH_WIDTH = 640
SKETCH_HEIGHT = 400
SKETCH_PADDING = 48


@dataclass(frozen=True)
class SketchPlace:
    name: str
    altitude_m: int
    x: float
    y: float
    label_x: float
    label_y: float
    label_anchor: str  # "start" (label right of the dot) or "end" (left of it)

    @property
    def has_leader(self):
        """A label moved off its dot's line gets a thin line back to the dot."""
        return abs(self.label_y - self.y) > 1


LABEL_HEIGHT = 16
LABEL_CHAR_WIDTH = 7.6  # an estimate for 13 px text; labels only need to avoid each other


def _label_box(x, y, anchor, text):
    width = len(text) * LABEL_CHAR_WIDTH
    left = x if anchor == "start" else x - width
    return (left, y - LABEL_HEIGHT / 2, left + width, y + LABEL_HEIGHT / 2)


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


def _outside_area(box):
    inner = (2, 2, SKETCH_WIDTH - 2, SKETCH_HEIGHT - 2)
    full = (box[2] - box[0]) * (box[3] - box[1])
    return full - _overlap_area(box, inner)


def _place_labels(dots):
    """Put each label beside its dot where it covers the least of earlier labels and dots.

    `dots` is a list of (name, altitude, x, y). Greedy, in route order: a dozen spots around
    each dot are scored by how much they overlap what is already drawn or leave the frame.
    """
    taken = [(x - 7, y - 7, x + 7, y + 7) for _, _, x, y in dots]
    placed = []
    offsets = [(dx, dy) for dy in (0, -1, 1, -2, 2) for dx in (9, -9)]
    for name, altitude, x, y in dots:
        text = f"{name} {altitude:,} m"
        best = None
        for rank, (dx, dy) in enumerate(offsets):
            anchor = "start" if dx > 0 else "end"
            lx, ly = x + dx, y + dy * LABEL_HEIGHT
            box = _label_box(lx, ly, anchor, text)
            cost = _covered_area(box, taken) + 4 * _outside_area(box)
            # Prefer spots near the dot when costs tie.
            key = (cost, rank)
            if best is None or key < best[0]:
                best = (key, lx, ly, anchor, box)
        _, lx, ly, anchor, box = best
        taken.append(box)
        placed.append(SketchPlace(name, altitude, x, y, lx, ly, anchor))
    return placed


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


def route_sketch(stages):
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
        (SKETCH_WIDTH - 2 * SKETCH_PADDING) / max(max(xs) - min_x, 1.0),
        (SKETCH_HEIGHT - 2 * SKETCH_PADDING) / max(max(ys) - min_y, 1.0),
    )
    # Centre the drawing in the frame.
    off_x = (SKETCH_WIDTH - (max(xs) - min_x) * scale) / 2
    off_y = (SKETCH_HEIGHT - (max(ys) - min_y) * scale) / 2

    def to_frame(pk):
        x, y = raw[pk]
        return (off_x + (x - min_x) * scale, off_y + (y - min_y) * scale)

    places = _place_labels([(place.name, place.altitude_m, *to_frame(place.pk)) for place in chain])
    legs = []
    for stage in stages:
        route = [p for p in (stage.start_place, stage.highest_place, stage.end_place) if p]
        coords = " ".join("{:.1f},{:.1f}".format(*to_frame(p.pk)) for p in route)
        legs.append(SketchLeg(stage.mode, coords))
    scale_km = 10 if scale * 10 < SKETCH_WIDTH / 3 else 5
    return RouteSketch(places=places, legs=legs, scale_km=scale_km, scale_px=scale * scale_km)
