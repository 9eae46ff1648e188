from decimal import Decimal

from django import forms
from django.db.models import (
    Avg,
    Count,
    Max,
    Prefetch,
    Q,
    Sum,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from operator_site import pagecache, query
from operator_site.views import breadcrumbs

from .charts import (
    PROFILE_NARROW,
    SKETCH_NARROW,
    altitude_range,
    elevation_profile,
    profile_points,
    route_sketch,
)
from .forms import TrekFilterForm
from .models import Departure, Destination, ItineraryStage, TravelStyle, Trek, TrekSummary
from .seo import trek_json_ld

CATALOGUE_PAGE_SIZE = 12
# The trek page lists (and its request form offers) this many departures, the next ones: one
# query however many a season has.
NEXT_DEPARTURES = 12
# A departure's id in ?departure=: a positive number a database key can hold.
DEPARTURE_ID = forms.IntegerField(min_value=1, max_value=2**31 - 1)
# The trek page lists this many of its blog posts and reviews, the newest; a link leads to all.
LATEST_ON_TREK_PAGE = 3


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
    """Attach each card's facts, cover photo and profile thumbnail (from prefetched rows).

    The thumbnails of one listing share one altitude scale, so that a low trek looks low beside
    a high one instead of each filling its own card."""
    treks = list(treks)
    points = [p for trek in treks for p in profile_points(trek.stages.all())]
    altitudes = altitude_range(points) if points else None
    for trek in treks:
        stages = list(trek.stages.all())
        trek.card_facts = trek.facts
        trek.cover = next(iter(trek.images.all()), None)
        trek.thumb = None if trek.cover else elevation_profile(stages, altitudes=altitudes)
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


class TrekDetailView(DetailView):
    """A trek page: rendered once for everyone per content version, language and Cusco day (the
    request form's date limits), and served with each visitor's tokens (operator_site.pagecache).
    A POST from its form that comes back with errors renders it with the form in
    `extra_context`, not stored."""

    template_name = "treks/trek_detail.html"
    context_object_name = "trek"

    def get(self, request, *args, **kwargs):
        slug = kwargs["slug"]
        if len(slug) > Trek._meta.get_field("slug").max_length:
            raise Http404("No trek has a slug this long.")
        # "Ask about this date" links here with ?departure=<id>: the form comes with it chosen.
        # The id is read by a form field; anything else, or an id written another way ("٣",
        # "007"), is sent to the page's own address, and an id that is not one of the listed
        # departures to the plain page (below): made-up values cannot fill the cache.
        raw = request.GET.get("departure", "")
        self.chosen_departure = query.read(DEPARTURE_ID, raw)
        if raw and str(self.chosen_departure) != raw:
            address = reverse("treks:detail", kwargs={"slug": slug})
            if self.chosen_departure is not None:
                address += f"?departure={self.chosen_departure}"
            return redirect(address)
        return pagecache.serve(
            request,
            lambda: self._page(request, *args, **kwargs),
            name="trek",
            variant=f"{slug}:{timezone.localdate()}:{self.chosen_departure or ''}",
            store=not self.extra_context,
        )

    def _page(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.chosen_departure and response.context_data["chosen_departure"] is None:
            return redirect(self.object.get_absolute_url())
        return response

    def get_queryset(self):
        # The counts and average of the trek's posts and reviews, for the links to all of them
        # and the JSON-LD rating (by the relations' names: this app imports nothing of the
        # blog's or the reviews'). The two joins repeat each review once per post, the same
        # number of times for every review, so the average is unchanged and the counts are
        # distinct.
        about = Q(posts__is_published=True, posts__published_on__lte=timezone.localdate())
        reviewed = Q(reviews__is_published=True)
        return (
            visible_treks(self.request)
            .select_related("destination", "start_place", "end_place")
            .annotate(
                post_count=Count("posts", filter=about, distinct=True),
                review_count=Count("reviews", filter=reviewed, distinct=True),
                review_average=Avg("reviews__rating", filter=reviewed),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        trek = self.object
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
            # Sliced prefetches: one query each however many rows there are.
            Prefetch(
                "departures",
                queryset=Departure.objects.upcoming()[:NEXT_DEPARTURES],
                to_attr="next_departures",
            ),
            Prefetch(
                "posts",
                queryset=trek.posts.model.objects.published()[:LATEST_ON_TREK_PAGE],
                to_attr="latest_posts",
            ),
            Prefetch(
                "reviews",
                queryset=trek.reviews.model.objects.filter(is_published=True)[:LATEST_ON_TREK_PAGE],
                to_attr="latest_reviews",
            ),
            Prefetch(
                "alternatives",
                # Only what the comparison table and the links show.
                queryset=with_summary(
                    Trek.objects.published().only(
                        "name",
                        "slug",
                        "permits_required",
                        "crowds",
                        "popularity",
                        "price_from",
                        "currency",
                    )
                ),
            ),
        )
        stages = list(trek.stages.all())
        facts = trek.facts
        departures = trek.next_departures
        for departure in departures:
            departure.last_day = departure.end_date(facts.days)
        chosen = getattr(self, "chosen_departure", None)
        days = _group_by_day(stages)
        alternatives = list(trek.alternatives.all())
        photos = list(trek.images.all())
        context.update(
            stages=stages,
            days=days,
            facts=facts,
            altitude=altitude_guidance(days, facts),
            profile=elevation_profile(stages),
            profile_narrow=elevation_profile(stages, **PROFILE_NARROW),
            sketch=route_sketch(stages),
            sketch_narrow=route_sketch(stages, **SKETCH_NARROW),
            comparison=[(trek, facts)]
            + [(alt, TrekSummary.from_annotations(alt)) for alt in alternatives],
            alternatives=alternatives,
            cover=photos[0] if photos else None,
            gallery=photos[1:],
            json_ld=trek_json_ld(trek, stages, facts),
            faqs=list(trek.faqs.all()),
            departures=departures,
            chosen_departure=next((d for d in departures if d.pk == chosen), None),
            # The hero's line: the first date a traveller can still join.
            next_departure=next(
                (d for d in departures if d.seats_left and d.status != Departure.Status.CANCELLED),
                None,
            ),
            breadcrumbs=breadcrumbs(
                (_("Treks"), reverse("treks:list")), (trek.name, trek.get_absolute_url())
            ),
        )
        return context


HIGH_ALTITUDE_M = 3500  # where altitude sickness becomes common: the box shows from here
BEFORE_YOU_GO_SLUG = "before-you-go"


def altitude_guidance(days, facts):
    """The altitude box's figures, all from the stages: highest point, nights spent at or above
    3,500 m, and the day that climbs most. None for a trek that stays lower."""
    if not facts.max_altitude_m or facts.max_altitude_m < HIGH_ALTITUDE_M:
        return None
    nights_high = sum(
        1
        for day in days
        if day["overnight"] and day["overnight"].end_place.altitude_m >= HIGH_ALTITUDE_M
    )
    steepest = max(days, key=lambda day: day["ascent_m"])
    return {
        "top_m": facts.max_altitude_m,
        "top_place": facts.highest_place,
        "nights_high": nights_high,
        "threshold_m": HIGH_ALTITUDE_M,
        "steepest_day": steepest["number"],
        "steepest_ascent_m": steepest["ascent_m"],
        "before_you_go_key": BEFORE_YOU_GO_SLUG,  # the menu's entry for it (no query)
    }


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
        # ?page= is a number or "last"; written another way ("٣", "02", "banana") it is sent to
        # the page's canonical address, and past the last page to the last (paginate_queryset).
        raw_page = request.GET.get(self.page_kwarg, "")
        self.number = "last" if raw_page == "last" else query.read(query.PAGE_NUMBER, raw_page)
        self.redirect_to = None
        if raw_page and str(self.number) != raw_page:
            return redirect(self._address(self.number))
        # Every visitor asking for the same filters sees the same page. Only pages that exist
        # are stored: not a value the form did not understand, nor other parameters
        # (?utm_source=), so made-up query strings cannot fill the cache.
        return pagecache.serve(
            request,
            self._page,
            name="trek-list",
            variant=self.form.cache_variant(request.GET, self.number, noindex=self.is_noindex()),
        )

    def _page(self):
        response = super().get(self.request)
        return redirect(self.redirect_to) if self.redirect_to else response

    def _address(self, number):
        """This address with page `number` (none for the first)."""
        params = self.request.GET.copy()
        params.pop(self.page_kwarg, None)
        if number not in (None, 1):
            params[self.page_kwarg] = str(number)
        return self.request.path + (f"?{params.urlencode()}" if params else "")

    def is_noindex(self):
        # Filtered and sorted lists are the same treks again: index the plain list only.
        return any(key != self.page_kwarg for key in self.request.GET)

    def get_queryset(self):
        treks = with_sort_keys(card_treks(Trek.objects.published()))
        return self.form.filter(treks)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        number = paginator.num_pages if self.number == "last" else self.number or 1
        if number > paginator.num_pages:
            self.redirect_to = self._address(paginator.num_pages)
            number = paginator.num_pages
        page = paginator.page(number)
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

    def get(self, request, *args, **kwargs):
        return pagecache.serve(
            request,
            lambda: super(_CollectionIndexView, self).get(request),
            name=f"{self.model._meta.model_name}-index",
        )

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
        return pagecache.serve(
            request,
            lambda: super(_CollectionView, self).get(request, *args, **kwargs),
            name=self.model._meta.model_name,
            variant=kwargs["slug"],
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
