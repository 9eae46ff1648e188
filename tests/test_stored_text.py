"""Stored text never breaks a page (issue 23, item 4): admin refuses control characters in
what reaches a page or a feed, and what is stored already (imported, or from before) is shown
on pages, in both Atom feeds and in exports all the same."""

import feedparser
import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from blog.models import Post
from operator_site.pagecache import BumpOnActionsAdmin
from operator_site.text import validate_one_line, validate_text, xml_safe
from tests.factories import make_post, make_review, make_trek
from tests.test_blog_admin import _add

pytestmark = pytest.mark.django_db


def test_a_post_title_with_a_control_character_is_refused_and_nothing_stored(staff_client):
    response = _add(staff_client, title_en="Acclimatising\x0bin Cusco")
    assert response.status_code == 200
    assert (
        "Remove the control character U+000B: pages and feeds cannot show it."
        in response.context["adminform"].form.errors["title_en"]
    )
    assert not Post.objects.exists()


def test_a_line_break_in_a_one_line_field_and_a_nul_in_a_text_are_refused(staff_client):
    assert "title_en" in _add(staff_client, title_en="Two\nlines").context["adminform"].form.errors
    body = _add(staff_client, body_en="Walk\x07 slowly.").context["adminform"].form.errors
    assert "U+0007" in body["body_en"][0]
    assert _add(staff_client, body_en="Walk slowly.\n\n\tThen climb.").status_code == 302


def test_every_admin_of_what_reaches_a_page_refuses_control_characters(admin_user):
    """Every text field of every admin form (and inline) whose model is on the public pages:
    those are the admins that bump the page cache."""
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, BumpOnActionsAdmin):
            continue
        form_classes = [model_admin.get_form(request)] + [
            inline.get_formset(request).form for inline in model_admin.get_inline_instances(request)
        ]
        for form_class in form_classes:
            for name, field in form_class.base_fields.items():
                if isinstance(field, forms.CharField):
                    checked += 1
                    has = [v for v in field.validators if v in (validate_one_line, validate_text)]
                    assert has, f"{model._meta.label}: {name}"
    assert checked > 40


def test_what_is_stored_already_shows_on_pages_and_in_both_feeds(client):
    # As an import or a row from before the check would hold them: no validation runs here.
    trek = make_trek(name="Lares\x0b Trek", summary="Hot\x01 springs")
    make_post(title="Acclimatising\x0b in Cusco", summary="Two\x1b nights", treks=[trek])
    make_review(trek, text="Great\x0c guides")
    pages = (trek.get_absolute_url(), reverse("blog:list"), reverse("treks:list"), "/", "/es/")
    for url in (*pages, reverse("sitemap"), reverse("reviews:trek", args=[trek.slug])):
        assert client.get(url).status_code == 200, url
    with translation.override("es"):
        spanish_feed = reverse("blog:feed")
    for feed in (reverse("blog:feed"), spanish_feed):
        response = client.get(feed)
        assert response.status_code == 200
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo  # well-formed XML
        assert parsed.entries[0].title == "Acclimatising in Cusco"
        assert parsed.entries[0].summary == "Two nights"


def test_xml_safe_keeps_tabs_line_breaks_and_letters():
    assert xml_safe("a\tb\nc\r\x0bd\x00é\ufffe") == "a\tb\nc\rdé"
