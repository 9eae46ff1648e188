import logging
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import DatabaseError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from operator_site import kept, pagecache
from operator_site.client_ip import client_ip
from operator_site.views import breadcrumbs
from treks.views import TrekDetailView, get_visible_trek_or_404

from . import tokens
from .client import rate_limit_exceeded
from .forms import MIN_FILL_SECONDS, InquiryForm
from .models import Inquiry
from .services import submit_inquiry

logger = logging.getLogger(__name__)

# The thank-you page finds its request through this signed cookie, not through its address:
# an address is written to every access log on the way (gunicorn's, a front proxy's), and the
# token would show the traveller's details to whoever reads the log, for a day.
THANKS_COOKIE = "inquiry_thanks"


def _refusal(request, template, status, **headers):
    """A page that refuses the POST and shows back what was typed; never cached anywhere."""
    return kept.refusal(request, template, status, headers=headers)


class InquiryCreateView(FormView):
    """The request form: at /contact/ without a trek, at /treks/<slug>/request/ with one.

    Nothing a traveller sends is dropped. A submission that looks like a bot's (honeypot
    filled, sent under two seconds after the form was rendered, a missing or forged form token)
    is stored as suspected spam and gets the same thank-you page; staff see it one filter away
    and can mark it "not spam", which sends the e-mails then. A form token older than a day
    brings the form back with everything typed. See README, "Requests for information".
    """

    form_class = InquiryForm
    template_name = "inquiries/contact.html"
    trek = None
    # FormView would take PUT as POST (and OPTIONS would advertise it): the form is POST only.
    http_method_names = ["get", "post", "head", "options"]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if "slug" in kwargs:
            # Unknown or unpublished treks are a 404, as on the trek page itself.
            self.trek = get_visible_trek_or_404(request, kwargs["slug"])

    def get(self, request, *args, **kwargs):
        if self.trek:
            # The trek's form lives on the trek page.
            return redirect(self.trek.get_absolute_url() + "#request-information")
        # The same page for everyone each Cusco day (the date field's limits), with this
        # visitor's tokens filled in.
        return pagecache.serve(
            request,
            lambda: super(InquiryCreateView, self).get(request, *args, **kwargs),
            name="contact",
            variant=str(timezone.localdate()),
        )

    def post(self, request, *args, **kwargs):
        try:
            limited = rate_limit_exceeded(request)  # counts in the database
        except DatabaseError:
            # The database takes no writes (disk full, read-only): the request could not be
            # stored either, so the traveller gets the 503 page with what they typed.
            logger.exception("inquiry could not be counted: database unwritable")
            return _refusal(request, "503.html", 503, **{"Retry-After": "300"})
        if limited:
            # No address in the log: nothing personal beyond an inquiry id (issue 5).
            logger.warning("inquiry refused: rate limit")
            _count, period = settings.INQUIRY_RATE_LIMIT
            return _refusal(request, "429.html", 429, **{"Retry-After": str(period)})
        form = self.get_form()
        if form.token_expired():
            return self._send_again(form)
        if not form.is_valid():
            return self.form_invalid(form)
        return self.form_valid(form)

    def _send_again(self, form):
        """The same form, bound to what was typed, with a fresh token and a line asking to
        press send again; nothing stored yet."""
        logger.info("inquiry form token expired; form shown again")
        data = form.data.copy()
        # Dated as if rendered MIN_FILL_SECONDS ago: the traveller has shown they are no
        # bot by filling it in, and may press send again at once.
        rendered_at = time.time() - MIN_FILL_SECONDS
        data[form.add_prefix("form_token")] = tokens.new_form_token(rendered_at=rendered_at)
        again = self.get_form_class()(data=data, trek=self.trek)
        again.send_again = True
        return self.form_invalid(again)

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
        reason = form.spam_reason()
        token = form.token_data
        try:
            inquiry, _created = submit_inquiry(
                data=form.cleaned_data,
                # The trek page's own trek, or the one chosen on the contact page (or none).
                trek=self.trek or form.cleaned_data.get("trek"),
                # A forged or missing token has no key: submit_inquiry makes one.
                idempotency_key=token[0] if token else None,
                client_ip=client_ip(self.request),
                user_agent=self.request.headers.get("User-Agent", ""),
                source_url=self._source_page(),
                spam_reason=reason,
                language=get_language(),
            )
        except DatabaseError:
            # Disk full, database read-only or gone: the traveller keeps what they typed and
            # gets the phone and WhatsApp. The log names the error type only (no values).
            logger.exception("inquiry could not be stored: database unwritable")
            return _refusal(self.request, "503.html", 503, **{"Retry-After": "300"})
        if reason:
            # The reason only: a bot must not learn it, the log must hold nothing personal.
            logger.info("inquiry %s stored as suspected spam (%s)", inquiry.pk, reason)
        response = redirect("inquiries:thanks")
        response.set_cookie(
            THANKS_COOKIE,
            tokens.thanks_token(inquiry.idempotency_key),
            max_age=tokens.THANKS_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response

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
            # What was typed is shown back: rendered and filled as the page is, never stored.
            page = super().form_invalid
            return pagecache.serve(self.request, lambda: page(form), name="contact", store=False)
        # Show the trek page again, the errors next to the fields and what was typed kept.
        page = TrekDetailView(extra_context={"inquiry_form": form})
        page.setup(self.request, slug=self.trek.slug)
        return page.get(self.request, slug=self.trek.slug)


class ThanksView(TemplateView):
    """Repeats what was sent, to the browser that sent it: the request is named by a signed
    cookie (THANKS_COOKIE) that nobody can forge and that stops working after a day."""

    template_name = "inquiries/thanks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cookie = self.request.COOKIES.get(THANKS_COOKIE, "")
        try:
            key = tokens.read_thanks_token(cookie) if cookie else None
            context["expired"] = bool(cookie) and key is None
        except signing.BadSignature:
            key, context["expired"] = None, False
        context["inquiry"] = (
            Inquiry.objects.select_related("trek").filter(idempotency_key=key).first()
            if key
            else None
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # Personal data: not kept in any cache (add_never_cache_headers says private, no-store),
        # not indexed, not leaked through Referer.
        add_never_cache_headers(response)
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
