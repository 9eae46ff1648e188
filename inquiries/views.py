import logging
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from treks.views import TrekDetailView, breadcrumbs, get_visible_trek_or_404

from . import tokens
from .client import client_ip, rate_limit_exceeded
from .forms import InquiryForm
from .models import MESSAGE_MAX_LENGTH, TRAVELLER_FIELDS, Inquiry
from .services import submit_inquiry

logger = logging.getLogger(__name__)


class InquiryCreateView(FormView):
    """The request form: at /contact/ without a trek, at /treks/<slug>/request/ with one.

    Bots (honeypot filled, posted under two seconds after the form was rendered, or with a
    forged form token) get the same redirect to a thank-you page as people, and nothing is
    stored: see README, "Requests for information".
    """

    form_class = InquiryForm
    template_name = "inquiries/contact.html"
    trek = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if "slug" in kwargs:
            # Unknown or unpublished treks are a 404, as on the trek page itself.
            self.trek = get_visible_trek_or_404(request, kwargs["slug"])

    def get(self, request, *args, **kwargs):
        if self.trek:
            # The trek's form lives on the trek page.
            return redirect(self.trek.get_absolute_url() + "#request-information")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if rate_limit_exceeded(request):
            # No address in the log: nothing personal beyond an inquiry id (issue 5).
            logger.warning("inquiry refused: rate limit")
            _count, period = settings.INQUIRY_RATE_LIMIT
            response = render(request, "429.html", {"kept": self._kept(request)}, status=429)
            response["Retry-After"] = str(period)
            return response
        form = self.get_form()
        reason = form.spam_reason()
        if reason:
            logger.info("inquiry dropped as spam (%s)", reason)
            # A fresh key that no row has: the thank-you page then shows no details.
            return redirect(_thanks_url(uuid.uuid4()))
        if form.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def _kept(self, request):
        """What the traveller typed, to show back on the 429 page: refused, but not lost."""
        form = self.get_form()
        return [
            (form.fields[name].label, request.POST[name][:MESSAGE_MAX_LENGTH])
            for name in TRAVELLER_FIELDS
            if request.POST.get(name, "").strip()
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["inquiry_form"] = context["form"]
        context["breadcrumbs"] = breadcrumbs((_("Contact us"), self.request.path))
        return context

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["trek"] = self.trek
        return kwargs

    def form_valid(self, form):
        key, _age = form.token_data
        inquiry, _created = submit_inquiry(
            data=form.cleaned_data,
            trek=self.trek,
            idempotency_key=key,
            client_ip=client_ip(self.request),
            user_agent=self.request.headers.get("User-Agent", ""),
            source_url=self._source_page(),
            language=get_language(),
        )
        return redirect(_thanks_url(inquiry.idempotency_key))

    def _source_page(self):
        """The page the form was on: the Referer, unless that is this URL again (a second try
        after an error), then the trek page or /contact/ itself."""
        referer = self.request.headers.get("Referer", "")
        if referer and urlsplit(referer).path != self.request.path:
            return referer
        page = self.trek.get_absolute_url() if self.trek else self.request.path
        return self.request.build_absolute_uri(page)

    def form_invalid(self, form):
        if self.trek is None:
            return super().form_invalid(form)
        # Show the trek page again, the errors next to the fields and what was typed kept.
        page = TrekDetailView(extra_context={"inquiry_form": form})
        page.setup(self.request, slug=self.trek.slug)
        return page.get(self.request, slug=self.trek.slug)


def _thanks_url(key):
    return reverse("inquiries:thanks", kwargs={"token": tokens.thanks_token(key)})


class ThanksView(TemplateView):
    """Repeats what was sent. The signed token in the URL names the row; nobody can guess
    another's, and it stops working after a day."""

    template_name = "inquiries/thanks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            key = tokens.read_thanks_token(kwargs["token"])
        except signing.BadSignature:
            raise Http404 from None
        context["expired"] = key is None
        context["inquiry"] = (
            Inquiry.objects.select_related("trek").filter(idempotency_key=key).first()
            if key
            else None
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # Personal data: not kept in shared caches, not indexed, not leaked through Referer.
        add_never_cache_headers(response)
        response.headers["Cache-Control"] += ", private"
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a refused form in the site's style, saying what to do."""
    return render(request, "403_csrf.html", status=403)
