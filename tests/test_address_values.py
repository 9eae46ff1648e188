"""Values from addresses (issue 23, item 2): every URL pattern of the site, public and admin, as
the resolver lists them, walked with odd values in each path part and in every query parameter
its view reads, as an anonymous visitor and as a superuser. No answer may be a 5xx.

The query parameters are the ones the view reads (recorded on a plain request by watching the
request's QueryDict), plus what an admin list reads through its filters and date hierarchy, so
a new view or filter is walked without being listed here. Run with `-s` to see the table."""

import re
from collections import Counter
from urllib.parse import quote

import pytest
from django.apps import apps
from django.http import QueryDict
from django.test import Client
from django.urls import URLResolver, get_resolver

from tests.conftest import verified_login
from tests.test_desk_permissions import objects  # noqa: F401 - one row of every model

pytestmark = pytest.mark.django_db

# Non-ASCII digits ("²" passes isdigit() and breaks int(); "٣" is a digit int() reads), a
# number no database column holds, negative, zero, empty, NUL, 5,000 characters, an emoji.
ODD = ["²", "٣", "9" * 30, "-1", "0", "", "\x00", "x" * 5000, "abc", "🙂"]
# Admin's pages are many and alike (Django's code for every model): the models whose pages are
# our own code get every value, the others the sharpest four, and Django admin's own
# parameters only on the first.
ODD_ADMIN = ["²", "9" * 30, "-1", "x" * 5000]
ADMIN_OWN = {"_popup", "_to_field", "_changelist_filters", "p", "o", "q", "e", "all", "next"}
SAMPLE_MODELS = ("admin/inquiries/inquiry/", "admin/treks/trek/", "admin/bookings/booking/")
# Admin pages that are wholly another package's code (no admin class, filter or form of ours):
# the sharpest value only.
NOT_OURS = ("admin/axes/", "admin/otp_static/", "admin/auth/", "admin/sites/")
FAMILIES = ("public", "admin")


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = ":".join(n for n in (namespace, p.namespace) if n)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        else:
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name


_PART = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


def _fill(route, values):
    """The address of `route` (a path route or a regex) with its parts from `values`."""

    def part(match):
        return quote(values[match["name"] or match["group"]], safe="")

    return "/" + _PART.sub(part, route).replace("^", "").replace("$", "")


def _parts(route):
    return [m["name"] or m["group"] for m in _PART.finditer(route)]


def _valid_parts(route, name):
    """Real values for each part of `route`, so that the view itself answers."""
    from django.contrib.contenttypes.models import ContentType
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from blog.models import Post
    from bookings import links
    from bookings.models import Booking, BookingLink
    from operator_site.models import ContentPage
    from treks.models import Destination, TravelStyle, Trek, TrekImage

    trek = Trek.objects.first()
    booking = Booking.objects.first()
    admin_model = re.match(r"admin/(\w+)/(\w+)/", route)
    model = None
    if admin_model and "object_id" in route:
        model = apps.get_model(*admin_model.groups())
    slugs = {
        "page": ContentPage.objects.first().slug,
        "treks:destination": Destination.objects.first().slug,
        "treks:style": TravelStyle.objects.first().slug,
        "blog:post": Post.objects.first().slug,
    }
    values = {
        # No second-factor device for the anonymous walk: any id is refused alike.
        "object_id": str(getattr(model and model.objects.order_by("pk").first(), "pk", 1)),
        "pk": str(getattr(TOTPDevice.objects.first(), "pk", 1)),  # enrolled: superusers only
        "id": str(apps.get_model("auth", "user").objects.first().pk),
        "inquiry_id": str(booking.inquiry_id),
        "departure_id": str(booking.departure_id),
        "content_type_id": str(ContentType.objects.get_for_model(Trek).pk),
        "app_label": "treks",
        "url": "nothing-here/",
        "slug": slugs.get(name, trek.slug),
        "signed": links.path_for(BookingLink.objects.first()).strip("/").split("/")[-1],
        "path": TrekImage.objects.first().image.name,
        # Online payments (off here: no provider is set up, so their pages are 404s).
        "provider": "paypal",
        "reference": "5b0f3c1e-8f0a-4a57-9d7e-2f1c6a3b9e10",
    }
    if name == "admin:view_on_site":
        values["object_id"] = str(trek.pk)
    return {part: values[part] for part in _parts(route)}


class _Reads:
    """The query parameters a view reads, recorded by watching QueryDict."""

    def __init__(self, monkeypatch):
        self.keys = set()
        for method in ("get", "__getitem__", "getlist", "__contains__"):
            original = getattr(QueryDict, method)
            monkeypatch.setattr(QueryDict, method, self._watch(original))

    def _watch(self, original):
        def watched(query, key, *args, **kwargs):
            if isinstance(key, str):
                self.keys.add(key)
            return original(query, key, *args, **kwargs)

        return watched


def _list_parameters(response):
    """What an admin list reads besides its own QueryDict look-ups: its filters' parameters
    and its date hierarchy's."""
    cl = (response.context or {}).get("cl") if response.status_code == 200 else None
    if cl is None:
        return set()
    names = {name for spec in cl.filter_specs for name in spec.expected_parameters()}
    if cl.date_hierarchy:
        names |= {f"{cl.date_hierarchy}__{part}" for part in ("year", "month", "day")}
    return names | {"p", "o", "q"}


def _walk_as(client, reads, counts, failures, who, family):
    for route, name in _walk(get_resolver().url_patterns):
        if ("admin" if route.startswith("admin/") else "public") != family:
            continue
        odd = ODD if who == "anonymous" else ODD_ADMIN  # staff's public pages: the same views
        if family == "admin":
            odd = [*ODD_ADMIN, "", "٣"] if route.startswith(SAMPLE_MODELS) else ODD_ADMIN
        standard = re.search(r"<path:object_id>/(history/|delete/|change/|)$", route)
        if family == "admin" and standard and not route.startswith(SAMPLE_MODELS):
            odd = odd[:1]  # Django's own object pages, alike for every model
        if route.startswith(NOT_OURS):
            odd = odd[:1]
        if who == "anonymous" and family == "admin":
            odd = odd[:1]  # the login page answers them all alike
        valid = _valid_parts(route, name)

        def visit(url, label):
            response = client.get(url)
            counts["tried"] += 1
            counts[f"{response.status_code // 100}xx"] += 1
            if response.status_code >= 500:
                failures.append(f"{label}: {url[:120]} -> {response.status_code}")
            return response

        for part in valid:
            for value in odd:
                visit(_fill(route, {**valid, part: value}), f"path {part}={value[:8]!r}")
        reads.keys.clear()
        url = _fill(route, valid)
        plain = visit(url, "plain")
        parameters = reads.keys | _list_parameters(plain)
        if family == "admin" and not route.startswith(SAMPLE_MODELS[0]):
            parameters -= ADMIN_OWN
        for parameter in sorted(parameters):
            for value in odd:
                query = f"{quote(parameter)}={quote(value, safe='')}"
                visit(f"{url}?{query}", f"query {parameter}={value[:8]!r}")


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("who", ["anonymous", "superuser"])
def test_every_address_with_odd_values_gets_no_server_error(
    who,
    family,
    objects,  # noqa: F811
    monkeypatch,
    django_user_model,
):
    client = Client(raise_request_exception=False)
    if who == "superuser":
        user = django_user_model.objects.create_superuser("walker", "w@example.com", "pw-1234567")
        verified_login(client, user)
    reads = _Reads(monkeypatch)
    counts, failures = Counter(), []
    _walk_as(client, reads, counts, failures, who, family)
    print(f"\n| {who} | {family} | " + " | ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    assert failures == []
    assert counts["tried"] > 100


@pytest.mark.parametrize(
    ("path", "status", "notice"),
    [
        ("/admin/bookings/booking/?month=2027-%C2%B2", 200, "“2027-²” is not a month (YYYY-MM)"),
        ("/admin/bookings/booking/?month=10000-01", 200, "“10000-01” is not a month (YYYY-MM)"),
        ("/admin/inquiries/inquiry/?travel_month=2027-%C2%B2", 200, "is not a month"),
        ("/admin/inquiries/inquiry/1/change/?_to_field=", 400, ""),
        ("/admin/bookings/booking/?start_date__year=" + "9" * 30, 400, ""),
        ("/admin/otp_totp/totpdevice/99999/config/", 404, ""),
    ],
)
def test_the_admin_addresses_the_issue_named_are_answered_without_a_500(
    path, status, notice, staff_client
):
    from tests.factories import make_booking

    make_booking()
    staff_client.raise_request_exception = False
    response = staff_client.get(path)
    assert response.status_code == status
    assert notice in response.content.decode()


def test_a_month_that_is_no_month_leaves_the_bookings_list_unfiltered(staff_client):
    from tests.factories import make_booking

    booking = make_booking()
    response = staff_client.get("/admin/bookings/booking/", {"month": "2027-²"})
    assert list(response.context["cl"].result_list) == [booking]
    month = f"{booking.start_date:%Y-%m}"
    assert list(
        staff_client.get("/admin/bookings/booking/", {"month": month}).context["cl"].result_list
    ) == [booking]
