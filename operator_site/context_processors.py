from functools import partial

from django.conf import settings
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from .details import current
from .languages import contact_path
from .models import ContentPage, ToConfirm


def main_nav(request):
    """The menu: fixed catalogue links, contact, and every published page that asks to be in it.

    Positions interleave them the way the operator's menu runs (see ContentPage.position).
    """
    items = [
        (10, _("Most popular trips"), reverse("treks:list"), "treks"),
        (20, _("Peru destinations"), reverse("treks:destinations"), "destinations"),
        (30, _("Activities & travel styles"), reverse("treks:styles"), "styles"),
        # Between "Before You Go" (50) and "Contact us" (60), where the operator's menu has it.
        (55, _("Travel Blog"), reverse("blog:list"), "blog"),
    ]
    contact = contact_path()  # None until the request form exists (another app's page)
    if contact:
        items.append((60, _("Contact us"), contact, "contact"))
    # A page that has already fetched the published pages (the home page lists them) hands
    # them over on the request: one query fewer on a page that has no stored copy yet.
    published = getattr(request, "published_content_pages", None)
    in_nav = (
        ContentPage.objects.in_nav()
        if published is None
        else [p for p in published if p.show_in_nav]
    )
    # A page's key is its English slug, the same in every language: templates find a page of
    # the menu by it ("before-you-go") without a query of their own.
    items += [(p.position, p.menu_label, p.get_absolute_url(), p.slug_en) for p in in_nav]
    items.sort(key=lambda item: item[0])
    return [
        {"label": label, "url": url, "key": key, "current": request.path.startswith(url)}
        for _position, label, url, key in items
    ]


def operator(request):
    """The operator, menu and links that the header and footer of every page show."""
    # Lazy, as the menu: admin pages, which never show them, never read the details.
    details = SimpleLazyObject(current)
    return {
        "operator": details,
        "operator_phone_href": SimpleLazyObject(lambda: details.phone_href),
        "operator_whatsapp": SimpleLazyObject(lambda: details.whatsapp_number),
        "operator_whatsapp_href": SimpleLazyObject(lambda: details.whatsapp_href),
        # Only what is set: a link that is not set is not shown.
        "social_links": SimpleLazyObject(lambda: details.links),
        "operator_legal": SimpleLazyObject(lambda: details.legal),
        # Lazy: admin pages and e-mails that never show the menu never query for it.
        "main_nav": SimpleLazyObject(lambda: main_nav(request)),
        "contact_url": SimpleLazyObject(contact_path),
        # Staff only (their pages are never stored): how much is still "to confirm". A callable,
        # which the template calls (once, in a {% with %}) only where it shows it.
        "to_confirm_count": partial(_to_confirm_count, request),
        # From SITE_URL, not the request's Host: pages are cached for every host alike.
        "site_url": settings.SITE_URL,
        "canonical_url": settings.SITE_URL + iri_to_uri(request.path),
    }


def _to_confirm_count(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_staff:
        return 0
    return ToConfirm.objects.open().count()
