"""The Spanish site in Chromium: axe-core finds no WCAG 2.2 A/AA violation on any public page
type under /es/ (the English ones are checked in test_accessibility.py), no console error, and
the request form sent from the Spanish Lares page with errors answers in Spanish, keeping what
was typed."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from tests.browser.conftest import WIDTHS
from tests.browser.test_accessibility import axe_violations

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PAGES = {
    "home": "/es/",
    "trek list": "/es/caminatas/",
    "trek": "/es/caminatas/caminata-lares/",
    "destination": "{destination}",
    "travel style": "{style}",
    "destination list": "/es/destinos/",
    "travel style list": "/es/estilos/",
    "content page": "{content_page}",
    "contact": "/es/contacto/",
    "not found": "/es/caminatas/no-existe/",
}


def _spanish_path(template):
    from operator_site.models import ContentPage
    from treks.models import Destination, TravelStyle

    with translation.override("es"):
        return template.format(
            destination=Destination.objects.first().get_absolute_url(),
            style=TravelStyle.objects.first().get_absolute_url(),
            content_page=ContentPage.objects.first().get_absolute_url(),
        )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_type", list(PAGES))
def test_spanish_page_has_no_wcag_violations(open_page, width, page_type):
    call_command("loaddata", "catalogue", "pages", verbosity=0)
    page = open_page(width, _spanish_path(PAGES[page_type]))
    assert page.evaluate("document.documentElement.lang") == "es"
    if page_type == "not found":
        page.problems.console_errors[:] = [
            m for m in page.problems.console_errors if "404" not in m
        ]

    count, report = axe_violations(page)

    assert count == 0, report


def _fill_spanish_form(page, *, stored=True, **values):
    """`stored=False`: values the form refuses; the fill time is then not waited for."""
    form = page.locator("form.inquiry-form")
    form.evaluate("f => { f.noValidate = true; }")  # the server's errors are what is checked
    form.get_by_label("Fecha de viaje").fill(values.get("travel_date", ""))
    form.get_by_label("Número de personas").fill(values.get("group_size", ""))
    if values.get("lead_source"):
        form.get_by_label("¿Cómo supo de nosotros?").select_option(values["lead_source"])
    form.get_by_label("Su nombre").fill(values.get("name", ""))
    form.get_by_label("Correo electrónico").fill(values.get("email", ""))
    form.get_by_label("Teléfono o WhatsApp (opcional)").fill(values.get("phone", ""))
    form.get_by_label("Su mensaje (opcional)").fill(values.get("message", ""))
    if stored:
        page.wait_for_timeout(2500)  # faster than a person (2 s) is suspected spam
    form.get_by_role("button", name="Enviar mi solicitud").click()
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_spanish_form_with_errors_answers_in_spanish_and_keeps_what_was_typed(open_page, width):
    from inquiries.models import Inquiry

    call_command("loaddata", "catalogue", verbosity=0)
    page = _fill_spanish_form(
        open_page(width, "/es/caminatas/caminata-lares/"),
        stored=False,
        travel_date="2001-01-01",
        group_size="0",
        name="Ana Quispe Mamani",
        email="ana@example",
        phone="llámame",
        message="¿Tienen cupo en mayo?",
    )
    assert Inquiry.objects.count() == 0
    assert page.evaluate("document.documentElement.lang") == "es"
    alert = page.locator("#inquiry-errors").inner_text()
    assert "Revise los 5 campos marcados abajo; todavía no se envió nada." in alert
    errors = page.locator(".invalid-feedback").all_inner_texts()
    assert "La fecha de viaje no puede estar en el pasado." in " ".join(errors)
    assert "Un grupo es de al menos 1 persona." in " ".join(errors)
    assert "Introduzca una dirección de correo electrónico válida." in " ".join(errors)
    assert "Este campo es obligatorio." in " ".join(errors)  # how they heard of us
    assert not [e for e in errors if "Please" in e or "Enter" in e or "Ensure" in e]
    form = page.locator("form.inquiry-form")
    assert form.get_by_label("Su nombre").input_value() == "Ana Quispe Mamani"
    assert form.get_by_label("Teléfono o WhatsApp (opcional)").input_value() == "llámame"
    assert form.get_by_label("Su mensaje (opcional)").input_value() == "¿Tienen cupo en mayo?"

    count, report = axe_violations(page)

    assert count == 0, report


@pytest.mark.parametrize("width", WIDTHS)
def test_spanish_thank_you_page_has_no_wcag_violations(open_page, width):
    from inquiries.models import Inquiry

    call_command("loaddata", "catalogue", verbosity=0)
    page = _fill_spanish_form(
        open_page(width, "/es/caminatas/caminata-lares/"),
        travel_date=(timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        group_size="2",
        lead_source="tripadvisor",
        name="Ana Quispe",
        email="ana@example.com",
    )
    assert "/es/contacto/gracias/" in page.url
    assert Inquiry.objects.get().language == "es"
    assert page.evaluate("document.documentElement.lang") == "es"

    count, report = axe_violations(page)

    assert count == 0, report
