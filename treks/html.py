"""Parts of the trek page built in Python rather than in template loops.

The itinerary has a few dozen stages, each printed through a dozen filters and translated
strings: as template loops that was a large part of building a trek page with a cold cache.
The markup is the same as the templates had; every value goes through `format_html` (escaped).
"""

from django.template.defaultfilters import linebreaks_filter
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .templatetags.trek_tags import coord, km, metres


def _place(place):
    return format_html("{} ({} m)", place.name, metres(place.altitude_m))


def _stage_html(stage):
    route = [_place(stage.start_place)]
    if stage.highest_place:
        route.append(_place(stage.highest_place))
    route.append(_place(stage.end_place))
    line = mark_safe(" → ".join(route))  # noqa: S308 (each part built by format_html)
    if stage.distance_km:
        line = format_html("{} · {} km", line, km(stage.distance_km))
    hours = (gettext("%(h)s h walking") if stage.is_walk else gettext("%(h)s h")) % {
        "h": km(stage.hours)
    }
    line = format_html("{} · {}", line, hours)

    note = ""
    overnight = stage.overnight != "none"
    if overnight or stage.meals:
        parts = []
        if overnight:
            parts.append(
                format_html(
                    "{} {}, {}",
                    gettext("Overnight:"),
                    stage.get_overnight_display(),
                    _place(stage.end_place),
                )
            )
        if stage.meals:
            parts.append(format_html("{} {}", gettext("Meals:"), stage.meals))
        note = format_html(
            '\n        <p class="small text-body-secondary mb-0">{}</p>',
            mark_safe(" · ".join(parts)),  # noqa: S308 (each part built by format_html)
        )
    description = (
        format_html("\n        {}", linebreaks_filter(stage.description))
        if stage.description
        else ""
    )
    return format_html(
        '\n      <li class="stage stage-{}">\n        <h4 class="h6 mb-1"><span class="mode">{}:'
        "</span> {}</h4>\n"
        '        <p class="stage-route small mb-1">{}</p>{}{}\n      </li>',
        stage.mode,
        stage.get_mode_display(),
        stage.title,
        line,
        description,
        note,
    )


def _day_html(day):
    stats = ""
    if day["walk_km"]:
        text = gettext("%(km)s km on foot · about %(h)s h walking · +%(up)s m / −%(down)s m") % {
            "km": km(day["walk_km"]),
            "h": km(day["walk_hours"]),
            "up": metres(day["ascent_m"]),
            "down": metres(day["descent_m"]),
        }
        if day["top_m"]:
            text += " · " + gettext("highest %(top)s m") % {"top": metres(day["top_m"])}
        stats = format_html('\n    <p class="day-stats">{}</p>', text)
    return format_html(
        '\n  <li class="itinerary-day">\n    <h3 class="h5">{}</h3>{}\n'
        '    <ol class="list-unstyled">{}\n    </ol>\n  </li>',
        gettext("Day %(n)s") % {"n": day["number"]},
        stats,
        format_html_join("", "{}", ((_stage_html(stage),) for stage in day["stages"])),
    )


def itinerary_html(days):
    """The day-by-day list (`days` from `treks.views._group_by_day`)."""
    return format_html(
        '<ol class="itinerary list-unstyled">{}\n</ol>',
        format_html_join("", "{}", ((_day_html(day),) for day in days)),
    )


def profile_points_html(points):
    """The elevation profile's dots, each with its tooltip (SVG <title>)."""
    return format_html_join(
        "",
        '<circle class="profile-point" cx="{}" cy="{}" r="4" fill="#fff" stroke="#1f6b45" '
        'stroke-width="2" data-km="{}" data-altitude="{}"><title>{}: {} m, km {}</title></circle>',
        (
            (
                coord(p.x),
                coord(p.y),
                km(p.km),
                p.altitude_m,
                p.place_name,
                metres(p.altitude_m),
                km(p.km),
            )
            for p in points
        ),
    )


def profile_rows_html(points):
    """The rows of the elevation profile's table: the same figures as the chart."""
    return format_html_join(
        "",
        '<tr><td>{}</td><th scope="row">{}</th><td>{} km</td><td>{} m</td></tr>',
        ((p.day, p.place_name, km(p.km), metres(p.altitude_m)) for p in points),
    )


def sketch_places_html(places):
    """The route sketch's places: a dot, its label and, for a label moved off its dot's line,
    a thin leader line back to the dot."""
    parts = []
    for place in places:
        x, y = coord(place.x), coord(place.y)
        label_x, label_y = coord(place.label_x), coord(place.label_y)
        leader = (
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#8a958f" stroke-width="1"/>',
                x,
                y,
                label_x,
                label_y,
            )
            if place.has_leader
            else ""
        )
        parts.append(
            format_html(
                '<g class="sketch-place">\n      {}\n      <circle cx="{}" cy="{}" r="5" '
                'fill="#fff" stroke="#14301f" stroke-width="2"/>\n      <text x="{}" y="{}" '
                'text-anchor="{}" dominant-baseline="middle" font-size="13" fill="#14301f">{} '
                '<tspan fill="#4d5a53" font-size="11">{} m</tspan></text>\n    </g>',
                leader,
                x,
                y,
                label_x,
                label_y,
                place.label_anchor,
                place.name,
                metres(place.altitude_m),
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 (each part built by format_html)
