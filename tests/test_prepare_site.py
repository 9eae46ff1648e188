import pytest
from django.core.management import call_command

from operator_site.models import ContentPage
from tests.factories import make_page
from treks.models import Trek

pytestmark = pytest.mark.django_db(transaction=True)


def test_prepare_site_loads_catalogue_and_pages_into_an_empty_database():
    call_command("prepare_site", verbosity=0)
    assert Trek.objects.filter(slug="lares-trek").exists()
    slugs = set(ContentPage.objects.published().values_list("slug", flat=True))
    assert {"responsible-travel", "before-you-go", "why-travel-with-us"} <= slugs


def test_prepare_site_never_loads_pages_over_staff_pages():
    make_page(slug="our-own", title="Our own")
    call_command("prepare_site", verbosity=0)
    assert list(ContentPage.objects.values_list("slug", flat=True)) == ["our-own"]


def test_demo_pages_cover_what_travellers_ask_about():
    call_command("loaddata", "pages", verbosity=0)
    responsible = ContentPage.objects.get(slug="responsible-travel").body
    before = ContentPage.objects.get(slug="before-you-go").body
    for words in ("20 kg", "wages", "Leave no trace", "Lares weavers"):
        assert words in responsible
    for words in ("acclimatisation", "What to pack", "Seasons", "Documents"):
        assert words.lower() in before.lower()
