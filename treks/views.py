import hashlib
import logging
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.messages import get_messages
from django.db.models import Count, Max, Prefetch, Q, Sum, prefetch_related_objects
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string, select_template
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition
from django.views.generic import DetailView, ListView

from operator_site.compression import CompressedAround

from .caching import cached, catalogue_version, rendered_per_visitor, shared_page
from .charts import elevation_profile, route_sketch
from .forms import TrekFilterForm
from .html import itinerary_html, profile_points_html, profile_rows_html, sketch_places_html
from .models import Destination, ItineraryStage, TravelStyle, Trek, TrekSummary
from .rendering import ASIDE_MARKER, render_block
from .seo import trek_json_ld

logger = logging.getLogger(__name__)

CATALOGUE_PAGE_SIZE = 12


def visible_treks(request):
    """Published treks for the public; staff also see drafts, to preview them."""
    treks = Trek.objects.all()
    if request.user.is_staff:
        return treks
    return treks.published()


def card_treks(treks):
    """What a trek card shows, fetched in a fixed number of queries however many treks."""
    return treks.select_related("destination").with_stages().prefetch_related("images")


def with_card_data(treks):
    """Attach each card's facts, cover photo and profile thumbnail (from prefetched rows)."""
    treks = list(treks)
    for trek in treks:
        stages = list(trek.stages.all())
        trek.card_facts = trek.facts
        trek.cover = next(iter(trek.images.all()), None)
        trek.thumb = None if trek.cover else elevation_profile(stages)
        if trek.thumb:
            p = trek.thumb  # the plot area only: no axes or labels at thumbnail size
            trek.thumb_viewbox = (
                f"{p.plot_left} {p.plot_top} {p.plot_right - p.plot_left} "
                f"{p.plot_bottom - p.plot_top}"
            )
    return treks


def with_sort_keys(treks):
    """Days and highest point computed by the database, so filters and sorting stay in SQL.

    They are the same figures TrekFacts derives in Python: the last day, and the highest place
    any walking stage touches.
    """
    walk = Q(stages__mode=ItineraryStage.Mode.WALK)
    return treks.annotate(
        days_total=Coalesce(Max("stages__day"), 0),
        top_start=Coalesce(Max("stages__start_place__altitude_m", filter=walk), 0),
        top_end=Coalesce(Max("stages__end_place__altitude_m", filter=walk), 0),
        top_pass=Coalesce(Max("stages__highest_place__altitude_m", filter=walk), 0),
    ).annotate(max_altitude=Greatest("top_start", "top_end", "top_pass"))


def with_summary(treks):
    """`with_sort_keys` plus days on foot and walking distance: the comparison table's figures
    (`TrekSummary`), summed by the database, so that a trek's alternatives need no stage rows
    of their own. Stages' places are to-one joins: no stage is counted twice."""
    walk = Q(stages__mode=ItineraryStage.Mode.WALK)
    return with_sort_keys(treks).annotate(
        walking_days=Count("stages__day", filter=walk, distinct=True),
        walking_km=Coalesce(Sum("stages__distance_km", filter=walk), Decimal(0)),
    )


def breadcrumbs(*crumbs):
    """[(label, url)], Home first; the last crumb is the current page."""
    return [(_("Home"), reverse("home")), *crumbs]


def _trek_for(request, slug):
    """The trek a request is about and the catalogue version, looked up once per request (for the
    ETag and the view) and cached per version: a warm trek page runs no SQL query at all."""
    if len(slug) > Trek._meta.get_field("slug").max_length:
        raise Http404("No trek has a slug this long.")
    memo = getattr(request, "_trek_memo", None)
    if memo is None or memo[0] != slug:
        version = catalogue_version()
        staff = request.user.is_staff  # staff also see drafts
        key = f"treks:trek:{slug}:{int(staff)}:{version}" if version else None
        trek = cached(key, lambda: _find_trek(request, slug))
        if trek is None:
            raise Http404("No published trek with this slug.")
        memo = request._trek_memo = (slug, trek, version)
    return memo[1], memo[2]


def _find_trek(request, slug):
    return (
        visible_treks(request)
        .select_related("destination", "start_place", "end_place")
        .filter(slug=slug)
        .first()
    )


def _trek_last_modified(request, slug):
    trek, version = _trek_for(request, slug)
    changed = trek.updated_at
    if version:
        changed = max(changed, datetime.fromtimestamp(int(version) / 1e9, tz=UTC))
    return changed


def _trek_etag(request, slug):
    trek, version = _trek_for(request, slug)
    # The content is the same for everyone, but the page also carries the visitor's CSRF token
    # (the request form): a new CSRF cookie, or staff's preview, must never get a 304.
    parts = (
        trek.pk,
        trek.updated_at.isoformat(),
        version,
        get_language(),
        request.get_host(),
        request.scheme,
        request.user.is_staff,
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


@method_decorator(condition(etag_func=_trek_etag, last_modified_func=_trek_last_modified), "get")
# Browsers keep the page but ask each time; unchanged pages come back as a bodiless 304.
@method_decorator(cache_control(private=True, no_cache=True), "get")
class TrekDetailView(DetailView):
    """A trek page. Everything but the aside is rendered once per catalogue version and cached
    as HTML (see `treks.caching`); the aside (`{% block trek_aside %}`, where the request form
    goes) is rendered for each request, so no visitor's CSRF token or form is ever cached."""

    template_name = "treks/trek_detail.html"
    context_object_name = "trek"

    def get_object(self, queryset=None):
        return _trek_for(self.request, self.kwargs["slug"])[0]

    def page_key(self):
        """The cache key of this trek's shared parts, or None when the cache is unavailable."""
        trek, version = _trek_for(self.request, self.kwargs["slug"])
        if not version:
            return None
        parts = [
            "treks:page",
            str(trek.pk),
            trek.updated_at.isoformat(),
            version,
            get_language() or "",
            self.request.scheme,
            self.request.get_host(),
        ]
        return ":".join(parts)

    def get(self, request, *args, **kwargs):
        """The cached shell with this request's aside put in; see `treks.rendering`. Pages with a
        message for the visitor are rendered whole, so no message ends up in the shared shell."""
        self.object = self.get_object()
        key = self.page_key()
        if key is None or len(get_messages(request)):
            return self.render_to_response(self.get_context_data(object=self.object))
        template = select_template(self.get_template_names())
        shell = cached(
            f"{key}:shell:{template.origin.template_name}", lambda: self.build_shell(template)
        )
        page = shell["page"]
        if page is None:  # this template cannot be shared: see build_shell
            return self.render_to_response(self.get_context_data(object=self.object))
        aside = render_block(template, "trek_aside", self.aside_context(shell["facts"]), request)
        # The shell around the aside, compressed once: a gzip response compresses the aside only.
        return page.response(aside)

    def build_shell(self, template):
        """The page for everyone, as bytes before and after where the aside goes (each part
        also gzipped, see `operator_site.compression`). If rendering it touched anything
        per visitor (a CSRF token, a CSP nonce) or the marker is missing (a template that no
        longer wraps its aside in `{% if trek_shell %}`), the shell is not shared: the page is
        then rendered whole for each request, which is slower but never leaks a token."""
        context = self.get_context_data(object=self.object)
        csrf_before = self.request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        html = template.render({**context, "trek_shell": True}, self.request)
        per_visitor = (
            rendered_per_visitor(self.request, csrf_before, html) or html.count(ASIDE_MARKER) != 1
        )
        if per_visitor:
            logger.error(
                "%s cannot be cached for everyone: it has per-visitor content outside "
                "{%% block trek_aside %%}, or no aside marker; rendering it whole each time.",
                template.origin.template_name,
            )
            html = ""
        page = CompressedAround.of(html, ASIDE_MARKER) if html else None
        return {"page": page, "facts": context["facts"]}

    def aside_context(self, facts):
        """All that `{% block trek_aside %}` sees, besides the request and context processors:
        the same on a cold and a warm cache."""
        # extra_context carries what another view hands in, e.g. the request form with its
        # errors when a POST from this page comes back invalid.
        return {
            **(self.extra_context or {}),
            "object": self.object,
            "trek": self.object,
            "facts": facts,
            "view": self,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(cached(self.page_key(), lambda: self.build_content(self.object)))
        context["breadcrumbs"] = breadcrumbs(
            (_("Treks"), reverse("treks:list")), (self.object.name, self.object.get_absolute_url())
        )
        return context

    def build_content(self, trek):
        """The page's shared parts: a dict of plain data and rendered HTML, safe to cache."""
        # Orders by trek_id rather than Meta's "trek", which would join the trek table to sort.
        prefetch_related_objects(
            [trek],
            Prefetch(
                "stages",
                queryset=trek.stages.model.objects.select_related(
                    "start_place", "end_place", "highest_place"
                ).order_by("trek_id", "day", "order"),
            ),
            "styles",
            Prefetch("images", queryset=trek.images.model.objects.order_by("position", "id")),
            Prefetch("faqs", queryset=trek.faqs.model.objects.order_by("position", "id")),
            Prefetch(
                "alternatives",
                # Only what the comparison table and the links show.
                queryset=with_summary(
                    Trek.objects.published().only(
                        "name", "slug", "permits_required", "crowds", "popularity"
                    )
                ),
            ),
        )
        stages = list(trek.stages.all())
        facts = trek.facts
        alternatives = list(trek.alternatives.all())
        photos = list(trek.images.all())
        site_root = f"{self.request.scheme}://{self.request.get_host()}"
        profile, sketch = elevation_profile(stages), route_sketch(stages)
        data = {
            "trek": trek,
            "stages": stages,
            "itinerary_html": itinerary_html(_group_by_day(stages)),
            "facts": facts,
            "profile": profile,
            "profile_points_html": profile_points_html(profile.points) if profile else "",
            "profile_rows_html": profile_rows_html(profile.points) if profile else "",
            "sketch": sketch,
            "sketch_places_html": sketch_places_html(sketch.places) if sketch else "",
            "comparison": [(trek, facts)]
            + [(alt, TrekSummary.from_annotations(alt)) for alt in alternatives],
            "alternatives": alternatives,
            "cover": photos[0] if photos else None,
            "gallery": photos[1:],
            "json_ld": trek_json_ld(trek, stages, facts, self.request),
            "faqs": list(trek.faqs.all()),
            "canonical_url": site_root + trek.get_absolute_url(),
            "operator": settings.OPERATOR,
        }
        html = {
            part: render_to_string(f"treks/_trek_{part}.html", data)
            for part in ("head", "hero", "main", "alternatives")
        }
        # What the page template and the aside may use besides the HTML: small, shared by all.
        return {"trek_html": html, "facts": facts, "cover": data["cover"]}


def _group_by_day(stages):
    days = {}
    for stage in stages:
        days.setdefault(stage.day, []).append(stage)
    return [
        {
            "number": number,
            "stages": legs,
            "walk_km": sum((s.distance_km for s in legs if s.is_walk), 0),
            "walk_hours": sum((s.hours for s in legs if s.is_walk), 0),
            "ascent_m": sum(s.ascent_m for s in legs if s.is_walk),
            "descent_m": sum(s.descent_m for s in legs if s.is_walk),
            "top_m": max((s.top_altitude_m for s in legs if s.is_walk), default=None),
            "overnight": next((s for s in reversed(legs) if s.overnight != s.Overnight.NONE), None),
        }
        for number, legs in days.items()
    ]


class TrekListView(ListView):
    """The catalogue: filters and sorting from GET parameters, paginated."""

    template_name = "treks/trek_list.html"
    context_object_name = "treks"
    paginate_by = CATALOGUE_PAGE_SIZE

    def get(self, request, *args, **kwargs):
        self.form = TrekFilterForm.from_query(request.GET)
        # Every visitor asking for the same filters sees the same page.
        return shared_page(
            request,
            "trek-list",
            lambda: super(TrekListView, self).get(request),
            variant=self.form.cache_variant(
                request.GET.get(self.page_kwarg, ""), noindex=self.is_noindex()
            ),
        )

    def is_noindex(self):
        # Filtered and sorted lists are the same treks again: index the plain list only.
        return any(key != self.page_kwarg for key in self.request.GET)

    def get_queryset(self):
        treks = with_sort_keys(card_treks(Trek.objects.published()))
        return self.form.filter(treks)

    def paginate_queryset(self, queryset, page_size):
        # get_page(): a page number past the end shows the last page, garbage shows the first.
        paginator = self.get_paginator(queryset, page_size)
        number = self.request.GET.get(self.page_kwarg)
        page = paginator.get_page(paginator.num_pages if number == "last" else number)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            treks=with_card_data(context["page_obj"].object_list),
            form=self.form,
            ignored=self.form.ignored_fields(),
            is_filtered=self.form.is_filtered(),
            noindex=self.is_noindex(),
            breadcrumbs=breadcrumbs((_("Treks"), reverse("treks:list"))),
        )
        return context


class _CollectionIndexView(ListView):
    template_name = "treks/collection_list.html"
    context_object_name = "collections"
    title = ""
    intro = ""

    def get_queryset(self):
        published = Q(treks__is_published=True)
        return self.model.objects.annotate(trek_count=Count("treks", filter=published))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title,
            intro=self.intro,
            breadcrumbs=breadcrumbs((self.title, self.request.path)),
        )
        return context


class DestinationListView(_CollectionIndexView):
    model = Destination
    title = _("Peru destinations")
    intro = _("Where our treks go, from the Sacred Valley's weaving villages to Machu Picchu.")


class TravelStyleListView(_CollectionIndexView):
    model = TravelStyle
    title = _("Activities and travel styles")
    intro = _("Camping treks, community visits and Inca trails: choose by how you like to travel.")


class _CollectionView(DetailView):
    """A destination or a travel style, with its published treks."""

    template_name = "treks/collection_detail.html"
    context_object_name = "collection"
    index_title = ""
    index_url_name = ""
    filter_name = ""

    def get(self, request, *args, **kwargs):
        return shared_page(
            request, self.model._meta.model_name, lambda: super(_CollectionView, self).get(request)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        treks = card_treks(self.object.treks.published()).order_by("popularity", "name")
        index_url = reverse(self.index_url_name)
        context.update(
            treks=with_card_data(treks),
            index_title=self.index_title,
            index_url=index_url,
            catalogue_url=f"{reverse('treks:list')}?{self.filter_name}={self.object.slug}",
            breadcrumbs=breadcrumbs(
                (self.index_title, index_url),
                (self.object.name, self.object.get_absolute_url()),
            ),
        )
        return context


class DestinationDetailView(_CollectionView):
    model = Destination
    index_title = _("Peru destinations")
    index_url_name = "treks:destinations"
    filter_name = "destination"


class TravelStyleDetailView(_CollectionView):
    model = TravelStyle
    index_title = _("Activities and travel styles")
    index_url_name = "treks:styles"
    filter_name = "style"


def get_visible_trek_or_404(request, slug):
    """For other apps (the request form): a trek the requester may see, else 404."""
    return get_object_or_404(visible_treks(request), slug=slug)
