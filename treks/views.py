from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .charts import elevation_profile, route_sketch
from .models import Destination, TravelStyle, Trek
from .seo import trek_json_ld


def visible_treks(request):
    """Published treks for the public; staff also see drafts, to preview them."""
    treks = Trek.objects.all()
    if request.user.is_staff:
        return treks
    return treks.published()


class TrekDetailView(DetailView):
    template_name = "treks/trek_detail.html"
    context_object_name = "trek"

    def get_queryset(self):
        return (
            visible_treks(self.request)
            .select_related("destination", "start_place", "end_place")
            .prefetch_related(
                "styles",
                "images",
                "faqs",
                Prefetch(
                    "alternatives",
                    queryset=Trek.objects.published()
                    .with_stages()
                    .select_related("start_place", "end_place"),
                ),
            )
            .with_stages()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        trek = self.object
        stages = list(trek.stages.all())
        facts = trek.facts
        alternatives = list(trek.alternatives.all())
        context.update(
            stages=stages,
            days=_group_by_day(stages),
            facts=facts,
            profile=elevation_profile(stages),
            sketch=route_sketch(stages),
            comparison=[(trek, facts)] + [(alt, alt.facts) for alt in alternatives],
            alternatives=alternatives,
            cover=next(iter(trek.images.all()), None),
            json_ld=trek_json_ld(trek, stages, facts, self.request),
        )
        return context


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
    template_name = "treks/trek_list.html"
    context_object_name = "treks"

    def get_queryset(self):
        return (
            Trek.objects.published()
            .select_related("destination")
            .with_stages()
            .order_by("popularity", "name")
        )


class _CollectionView(DetailView):
    """A destination or a travel style, with its published treks."""

    template_name = "treks/collection_detail.html"
    context_object_name = "collection"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["treks"] = self.object.treks.published().select_related("destination").with_stages()
        return context


class DestinationDetailView(_CollectionView):
    model = Destination


class TravelStyleDetailView(_CollectionView):
    model = TravelStyle


def get_visible_trek_or_404(request, slug):
    """For other apps (the request form): a trek the requester may see, else 404."""
    return get_object_or_404(visible_treks(request), slug=slug)
