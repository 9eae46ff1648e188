"""The site in Spanish (issue 13): /es/ addresses, the right language label on every page, the
other language one link away, the request form and its e-mails in the traveller's language,
and English text shown on a Spanish page marked as English."""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from inquiries.models import Inquiry
from operator_site.models import ContentPage
from tests.factories import inquiry_post_data, make_page, make_trek, make_walk, send_outbox
from treks.models import Destination, Place, TravelStyle, Trek
from treks.templatetags.trek_tags import km, metres

pytestmark = pytest.mark.django_db

PO = Path(__file__).resolve().parent.parent / "locale" / "es" / "LC_MESSAGES" / "django.po"
SPANISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "es-PE,es;q=0.9"}


def html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.text).group(1)


def spanish(path):
    """The Spanish address of an English one, as the page's own switcher links it."""
    with translation.override("es"):
        return path()


@pytest.fixture
def trek():
    trek = make_walk(make_trek(name="Lares Trek", slug="lares-trek"), 2)
    trek.name_es = "Caminata Lares"
    trek.slug_es = "caminata-lares"
    trek.summary_es = "Dos o tres días a pie por el valle de Lares."
    trek.description_es = "La caminata Lares empieza cerca del pueblo de Lares."
    trek.best_season_es = "De abril a octubre"
    trek.save()
    return trek


# --- Addresses and labels -------------------------------------------------------------------


def test_english_pages_keep_their_addresses_and_spanish_lives_under_es(trek):
    assert trek.get_absolute_url() == "/treks/lares-trek/"
    with translation.override("es"):
        assert trek.get_absolute_url() == "/es/caminatas/caminata-lares/"
        assert reverse("treks:list") == "/es/caminatas/"
        assert reverse("inquiries:contact") == "/es/contacto/"
        assert reverse("home") == "/es/"


@pytest.mark.parametrize("path", ["/", "/treks/", "/treks/lares-trek/", "/contact/"])
def test_a_spanish_browser_on_an_english_address_gets_the_english_page_labelled_en(
    client, trek, path
):
    client.cookies["django_language"] = "es"
    response = client.get(path, **SPANISH_BROWSER)
    assert response.status_code == 200  # no redirect to /es/, not even on /
    assert html_lang(response) == "en"
    assert response["Content-Language"] == "en"
    # ... and the Spanish page is offered, in Spanish, marked as Spanish.
    assert re.search(r'hreflang="es" lang="es">Esta página en español</a>', response.text)


def test_the_spanish_page_is_labelled_es_in_html_and_header(client, trek):
    response = client.get("/es/caminatas/caminata-lares/")
    assert response.status_code == 200
    assert html_lang(response) == "es"
    assert response["Content-Language"] == "es"
    assert '<h1 class="display-5 mb-2">Caminata Lares</h1>' in response.text
    assert "Día a día" in response.text and "Day by day" not in response.text


def test_an_english_slug_under_es_is_not_the_spanish_page(client, trek):
    assert client.get("/es/caminatas/lares-trek/").status_code == 404


def test_a_trek_without_a_spanish_slug_answers_under_es_with_its_english_one(client):
    trek = make_walk(make_trek(name="Choquequirao Trek", slug="choquequirao"), 1)
    assert trek.slug_es == "choquequirao"
    assert client.get("/es/caminatas/choquequirao/").status_code == 200


def test_every_page_links_itself_in_both_languages_with_x_default(client, trek):
    page = client.get("/treks/lares-trek/").text
    page_es = client.get("/es/caminatas/caminata-lares/").text
    english = "http://testserver/treks/lares-trek/"
    spanish_url = "http://testserver/es/caminatas/caminata-lares/"
    for html in (page, page_es):
        assert f'<link rel="alternate" hreflang="en" href="{english}">' in html
        assert f'<link rel="alternate" hreflang="es" href="{spanish_url}">' in html
        assert f'<link rel="alternate" hreflang="x-default" href="{english}">' in html
    assert f'<link rel="canonical" href="{english}">' in page
    assert f'<link rel="canonical" href="{spanish_url}">' in page_es
    assert '<meta property="og:locale" content="en_GB">' in page
    assert '<meta property="og:locale:alternate" content="es_PE">' in page
    assert '<meta property="og:locale" content="es_PE">' in page_es
    assert '<meta property="og:locale:alternate" content="en_GB">' in page_es
    # The switcher leads to the same page in the other language.
    assert 'href="/es/caminatas/caminata-lares/" hreflang="es"' in page
    assert 'href="/treks/lares-trek/" hreflang="en" lang="en">This page in English</a>' in page_es


def test_listings_and_pages_switch_to_the_same_page(client):
    page = make_page(title="Before You Go", slug="before-you-go")
    page.title_es, page.slug_es = "Antes de viajar", "antes-de-viajar"
    page.save()
    for english, spanish_path in [
        ("/", "/es/"),
        ("/treks/", "/es/caminatas/"),
        ("/destinations/", "/es/destinos/"),
        ("/styles/", "/es/estilos/"),
        ("/contact/", "/es/contacto/"),
        ("/about/before-you-go/", "/es/acerca-de/antes-de-viajar/"),
    ]:
        assert f'href="{spanish_path}" hreflang="es"' in client.get(english).text, english
        assert f'href="{english}" hreflang="en"' in client.get(spanish_path).text, spanish_path


def test_error_pages_offer_no_alternates(client):
    response = client.get("/es/caminatas/no-such-trek/")
    assert response.status_code == 404
    assert html_lang(response) == "es"
    assert "hreflang" not in response.text


def test_the_sitemap_lists_both_languages_with_alternates(client, trek):
    xml = client.get("/sitemap.xml").text
    assert "<loc>http://testserver/treks/lares-trek/</loc>" in xml
    assert "<loc>http://testserver/es/caminatas/caminata-lares/</loc>" in xml
    assert (
        '<xhtml:link rel="alternate" hreflang="es" '
        'href="http://testserver/es/caminatas/caminata-lares/"/>'
    ) in xml
    assert (
        '<xhtml:link rel="alternate" hreflang="x-default" '
        'href="http://testserver/treks/lares-trek/"/>'
    ) in xml


# --- Content not yet translated ---------------------------------------------------------------


def test_text_without_a_spanish_version_is_shown_in_english_marked_lang_en(client):
    trek = make_walk(make_trek(name="Ausangate Trek", summary="Around the mountain."), 1)
    html = client.get(spanish(trek.get_absolute_url)).text
    assert '<h1 class="display-5 mb-2" lang="en">Ausangate Trek</h1>' in html
    assert '<p class="lead mb-2" lang="en">Around the mountain.</p>' in html
    assert '</span> <span lang="en">Stage 1.1</span></h4>' in html  # the itinerary too
    # Once translated, the same element is Spanish like the page.
    trek.name_es = "Caminata Ausangate"
    trek.save()
    html = client.get(spanish(trek.get_absolute_url)).text
    assert '<h1 class="display-5 mb-2">Caminata Ausangate</h1>' in html


def test_a_card_and_a_content_page_mark_their_english_fallback(client):
    trek = make_walk(make_trek(name="Ausangate Trek"), 1)
    page = make_page(title="Packing list", body="Boots.")
    listing = client.get("/es/caminatas/").text
    assert f'href="{spanish(trek.get_absolute_url)}" lang="en">Ausangate Trek</a>' in listing
    html = client.get(spanish(page.get_absolute_url)).text
    assert '<h1 lang="en">Packing list</h1>' in html
    assert '<div class="content-body" lang="en"><p>Boots.</p></div>' in html


def test_admin_lists_what_is_still_to_translate(staff_client):
    untranslated = make_trek(name="Ausangate Trek")
    done = make_trek(name="Lares Trek")
    for field in ("name", "summary", "description", "best_season"):
        setattr(done, f"{field}_es", "traducido")
    done.save()
    url = reverse("admin:treks_trek_changelist")
    missing = staff_client.get(url, {"translation": "missing"})
    assert list(missing.context["cl"].result_list) == [untranslated]
    translated = staff_client.get(url, {"translation": "done"})
    assert list(translated.context["cl"].result_list) == [done]
    # The column names the fields that have no Spanish text.
    assert '<td class="field-to_translate">name, summary, story, best season</td>' in (
        missing.text
    ), re.findall(r'<td class="field-to_translate">.*?</td>', missing.text)


def test_admin_edits_each_text_beside_its_spanish_twin(staff_client, trek):
    html = staff_client.get(reverse("admin:treks_trek_change", args=[trek.pk])).text
    assert 'name="name_en"' in html and 'name="name_es"' in html
    assert 'name="description_es"' in html and 'name="slug_es"' in html
    assert 'name="stages-0-title_es"' in html
    assert 'name="name"' not in html


def test_staff_can_work_in_spanish_at_es_admin(staff_client):
    response = staff_client.get("/es/admin/treks/trek/")
    assert response.status_code == 200
    assert "Caminatas" in response.text or "caminatas" in response.text
    assert "Por traducir" in response.text


# --- Formats ---------------------------------------------------------------------------------


def test_numbers_follow_the_language():
    with translation.override("en"):
        assert (metres(4450), km(7.5), km(33)) == ("4,450", "7.5", "33")
    with translation.override("es"):
        # Django's Spanish formats: a decimal comma, and a (no-break) space between thousands.
        assert (metres(4450), km(7.5), km(33)) == ("4\xa0450", "7,5", "33")


# --- The request form in the traveller's language -------------------------------------------


def test_the_form_sent_from_the_spanish_page_with_errors_answers_in_spanish(client, trek):
    data = inquiry_post_data(
        travel_date="2001-01-01",
        group_size="99",
        email="ana@",
        phone="call me maybe",
        name="Ana Quispe Mamani",
        message="¿Tienen cupo en la segunda semana de mayo?",
        country="Perú",
    )
    url = spanish(lambda: reverse("inquiries:trek_request", kwargs={"slug": trek.slug}))
    assert url == "/es/caminatas/caminata-lares/solicitud/"
    response = client.post(url, data)
    assert response.status_code == 200
    assert Inquiry.objects.count() == 0
    html = response.content.decode()
    assert html_lang(response) == "es"
    for message in (
        "Revise los 4 campos marcados abajo; todavía no se envió nada.",
        "La fecha de viaje no puede estar en el pasado.",
        "Hasta 60 personas por solicitud; para un grupo mayor, llámenos o escríbanos.",
        "Introduzca una dirección de correo electrónico válida.",
        "Use solo dígitos, espacios y + ( ) -, con el código de país.",
    ):
        assert message in html, message
    for english in ("Please check", "cannot be in the past", "Enter a valid", "Ensure this"):
        assert english not in html
    for typed in ("Ana Quispe Mamani", "¿Tienen cupo en la segunda semana de mayo?", "Perú"):
        assert typed in html
    assert 'value="call me maybe"' in html and 'value="ana@"' in html


def test_a_request_from_the_spanish_page_stores_es_and_is_confirmed_in_spanish(
    client, trek, mailoutbox, django_capture_on_commit_callbacks
):
    url = spanish(lambda: reverse("inquiries:trek_request", kwargs={"slug": trek.slug}))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, inquiry_post_data(), follow=True)
    assert response.status_code == 200
    inquiry = Inquiry.objects.get()
    assert inquiry.language == "es"
    # The thank-you page is Spanish too.
    assert response.redirect_chain[0][0] == "/es/contacto/gracias/"
    assert html_lang(response) == "es"
    assert "Gracias, Ana Quispe: recibimos su solicitud" in response.text
    send_outbox()
    staff, confirmation = mailoutbox
    assert confirmation.to == ["ana@example.com"]
    assert confirmation.subject == "Su solicitud a Salkantay Trek Machu: Caminata Lares"
    assert "Hola, Ana Quispe:" in confirmation.body
    assert "Caminata Lares" in confirmation.body
    assert "Operador de Turismo Sostenible · Cusco, Perú" in confirmation.body
    html_part = confirmation.alternatives[0][0]
    assert '<html lang="es">' in html_part
    # Staff read the site's language.
    assert staff.subject.startswith("New request: Lares Trek,")


def test_a_request_from_an_english_page_stores_en(client, trek, django_capture_on_commit_callbacks):
    url = reverse("inquiries:trek_request", kwargs={"slug": trek.slug})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, inquiry_post_data())
    assert Inquiry.objects.get().language == "en"
    send_outbox()
    assert mail.outbox[1].subject == "Your request to Salkantay Trek Machu: Lares Trek"


def test_staff_see_and_filter_requests_by_language(staff_client):
    from tests.factories import make_inquiry

    make_inquiry(name="Ana", language="es")
    make_inquiry(name="Tom", language="en")
    url = reverse("admin:inquiries_inquiry_changelist")
    response = staff_client.get(url, {"language__exact": "es"})
    assert [i.name for i in response.context["cl"].result_list] == ["Ana"]
    assert "column-language" in staff_client.get(url).text


# --- The demo content in Spanish -------------------------------------------------------------


@pytest.fixture
def demo_content():
    call_command("loaddata", "catalogue", "pages", verbosity=0)


def test_the_demo_content_has_spanish_for_every_text(demo_content):
    from operator_site.languages import missing_translation

    for model in (Trek, Destination, TravelStyle, Place, ContentPage):
        assert not model.objects.filter(missing_translation(model)).exists(), model
    from treks.models import ItineraryStage, TrekFAQ

    for model in (ItineraryStage, TrekFAQ):
        assert not model.objects.filter(missing_translation(model)).exists(), model


LARES_FACTS_ES = [
    "dos o tres días",
    "64 kilómetros al norte de Cusco",
    "56 kilómetros al este de Machu Picchu",
    "cordillera de Urubamba (Urupampa)",
    "Valle Sagrado",
    "viaje de 5 horas en bus o van",
    "transportar alimentos y enviar mensajes",
    "la llama y la alpaca",
    "20 libras",
    "la alpaca se criaba para vestido y alimento",
    "baños termales medicinales",
    "lagunas",
    "bosque de neblina",
    "nevados",
    "aves y plantas",
    "tejedores y agricultores",
    "textiles hechos a mano",
    "quechua y castellano",
    "enseñarle a tejer",
    "alternativas al Camino Inca",
    "no se necesitan permisos",
    "más tranquila que el Camino Inca",
    "la más corta (33 km)",
    "una sola abra",
    "hacia las 6 a. m.",
    "Calca (2928 m s. n. m.)",
    "otro viaje de 3 horas llega a Lares",
    "se camina 5 horas hasta el primer campamento, en Huacahuasi",
    "el más corto y el más empinado",
    "abra Ipsaycocha",
    "laguna Ipsaycocha",
    "todo de bajada",
    "Patacancha y Huilloc",
    "Ollantaytambo",
    "tren a Aguas Calientes",
    "un viaje corto lo lleva hasta Machu Picchu",
]


def test_the_spanish_lares_page_keeps_every_fact_of_the_operators_page(client, demo_content):
    response = client.get("/es/caminatas/caminata-lares/")
    assert response.status_code == 200
    for fact in LARES_FACTS_ES:
        assert fact in response.text, fact
    # Everything on it is Spanish: nothing fell back to English.
    assert 'lang="en">' not in response.text.replace(
        'hreflang="en" lang="en">This page in English', ""
    )


# --- No English interface text on a Spanish page --------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr"}
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "value"}
# The <meta> whose content people read (search results, link previews); not twitter:card's.
READ_META = {"description", "og:title", "og:description", "og:image:alt"}


class SpanishText(HTMLParser):
    """What a reader of the page meets (text and the attributes read out), leaving out elements
    marked lang="en" (English on purpose) and scripts."""

    def __init__(self):
        super().__init__()
        self.stack = []  # True for an element whose content is skipped
        self.texts = []

    def skipping(self):
        return any(self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = attrs.get("lang") == "en" or tag in ("script", "style")
        if not (skip or self.skipping()):
            # type="hidden" values are tokens, not text.
            if attrs.get("type") != "hidden":
                self.texts += [v for k, v in attrs.items() if k in READ_ATTRIBUTES and v]
            if tag == "meta" and (attrs.get("name") or attrs.get("property")) in READ_META:
                self.texts.append(attrs.get("content", ""))
        if tag not in VOID:
            self.stack.append(skip)

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self.skipping() and data.strip():
            self.texts.append(" ".join(data.split()))


def english_interface_strings():
    """The catalogue's English texts that read differently in Spanish, as (text, whole):
    whole=True for short ones, which must not be a whole text of the page; longer ones (three
    words or more, or the literal runs around a placeholder) must not appear anywhere."""
    found = []
    for entry in polib.pofile(str(PO)):
        if entry.msgctxt == "address":
            continue
        spanish_text = entry.msgstr or entry.msgstr_plural.get(0, "")
        for text in filter(None, [entry.msgid, entry.msgid_plural]):
            if text == spanish_text:
                continue
            for piece in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w+\}", text):
                piece = piece.strip(" .,:;()")
                if sum(any(c.isalpha() for c in word) for word in piece.split()) >= 3:
                    found.append((piece, False))
                elif piece and piece == text.strip(" .,:;()"):
                    found.append((piece, True))
    return found


def test_every_public_page_in_spanish_has_no_english_interface_string(client, demo_content):
    pages = ["/es/", "/es/caminatas/", "/es/destinos/", "/es/estilos/", "/es/contacto/"]
    with translation.override("es"):
        pages += [t.get_absolute_url() for t in Trek.objects.published()]
        pages += [d.get_absolute_url() for d in Destination.objects.all()]
        pages += [s.get_absolute_url() for s in TravelStyle.objects.all()]
        pages += [p.get_absolute_url() for p in ContentPage.objects.published()]
    pages += ["/es/caminatas/?duration=short&sort=price&difficulty=nonsense"]
    lares = Trek.objects.get(slug_en="lares-trek")
    post = client.post(
        f"/es/caminatas/{lares.slug_es}/solicitud/", inquiry_post_data(), follow=False
    )
    pages.append(post["Location"])
    not_found = "/es/caminatas/no-such-trek/"  # the 404 page
    pages.append(not_found)
    strings = english_interface_strings()
    assert len(strings) > 300
    for path in pages:
        response = client.get(path)
        assert response.status_code == (404 if path == not_found else 200), path
        assert html_lang(response) == "es", path
        parser = SpanishText()
        parser.feed(response.text)
        texts = set(parser.texts)
        joined = "\n".join(parser.texts)
        leaks = [
            text for text, whole in strings if (text in texts) or (not whole and text in joined)
        ]
        assert leaks == [], f"{path}: {leaks}"


def test_the_catalogue_filters_by_spanish_slugs(client):
    from tests.factories import make_destination

    valley = make_destination(name="Sacred Valley", slug="sacred-valley")
    valley.name_es, valley.slug_es = "Valle Sagrado", "valle-sagrado"
    valley.save()
    shown = make_walk(make_trek(name="Lares Trek", destination=valley), 2)
    make_walk(make_trek(name="Elsewhere"), 2)
    response = client.get("/es/caminatas/", {"destination": "valle-sagrado"})
    assert [t.pk for t in response.context["treks"]] == [shown.pk]
    assert '<option value="valle-sagrado" selected>Valle Sagrado</option>' in response.text
    # The English slug is the English page's filter value, not the Spanish one's.
    response = client.get("/es/caminatas/", {"destination": "sacred-valley"})
    assert "filter-notice" in response.text
