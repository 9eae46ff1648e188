from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from operator_site import pagecache
from operator_site.views import breadcrumbs
from treks.models import Trek

from . import summary


class TrekReviewsView(TemplateView):
    """Every published review of one trek, with their average and count."""

    template_name = "reviews/trek_reviews.html"

    def get(self, request, *args, **kwargs):
        slug = kwargs["slug"]
        if len(slug) > Trek._meta.get_field("slug").max_length:
            raise Http404("No trek has a slug this long.")
        # The trek is looked up while rendering: a stored page needs no query at all, and an
        # unknown slug raises 404 before anything is stored.
        return pagecache.serve(
            request,
            lambda: super(TrekReviewsView, self).get(request, *args, **kwargs),
            name="trek-reviews",
            variant=slug,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Either language's slug: the language switcher keeps the address's slug as it is.
        slug = kwargs["slug"]
        self.trek = get_object_or_404(Trek.objects.published(), Q(slug_en=slug) | Q(slug_es=slug))
        reviews = summary.for_trek(self.trek)
        context.update(
            trek=self.trek,
            summary=reviews,
            json_ld=summary.trek_reviews_json_ld(self.trek, reviews),
            breadcrumbs=breadcrumbs(
                (_("Treks"), reverse("treks:list")),
                (self.trek.name, self.trek.get_absolute_url()),
                (_("Reviews"), reverse("reviews:trek", kwargs={"slug": self.trek.slug})),
            ),
        )
        return context
