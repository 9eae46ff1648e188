"""Reply templates (issue 23, item 6): a subject with a line break is refused when the template
is saved, and a reply whose placeholders make it too long for what a reply is stored with is
refused with a message before anything is stored or sent, and the address values of the reply
page are read by a form (an id that is not a number, ?template= that names no template)."""

import pytest
from django.core import mail
from django.urls import reverse

from desk.models import Reply, ReplyTemplate
from tests.factories import make_inquiry, make_trek
from tests.test_desk_replies import sales  # noqa: F401 - a superuser's client

pytestmark = pytest.mark.django_db


def _template_data(**overrides):
    data = {"name": "Dates", "language": "en", "subject": "{trek}", "body": "Hi {name}"}
    data.update(is_active="on", **overrides)
    return data


@pytest.mark.parametrize("subject", ["Your trek\nBcc: x@example.net", "Two\rlines", "a\u2028b"])
def test_a_template_subject_with_a_line_break_is_refused_when_saved(sales, subject):  # noqa: F811
    response = sales.post(reverse("admin:desk_replytemplate_add"), _template_data(subject=subject))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["subject"] == ["The subject must be one line."]
    assert not ReplyTemplate.objects.exists()


def test_a_reply_made_too_long_by_its_placeholders_is_refused_before_it_is_stored(
    sales,  # noqa: F811
):
    trek = make_trek(name="L" * 120)  # the longest name a trek may have
    inquiry = make_inquiry(trek=trek, name="Ana")
    subject = "{trek} {trek} {trek} {trek} {trek}"  # 29 characters, 604 once filled in
    response = sales.post(
        reverse("admin:inquiries_inquiry_reply", args=[inquiry.pk]),
        {"subject": subject, "body": "Hello {name}", "_send": "1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["subject"] == [
        "With the placeholders filled in this is 604 characters long; it can be at most 200. "
        "Shorten it."
    ]
    assert not Reply.objects.exists()
    assert mail.outbox == []


def test_a_reply_within_its_limits_is_stored_filled_in(sales, django_capture_on_commit_callbacks):  # noqa: F811
    inquiry = make_inquiry(trek=make_trek(name="Lares Trek"), name="Ana")
    with django_capture_on_commit_callbacks(execute=True):
        response = sales.post(
            reverse("admin:inquiries_inquiry_reply", args=[inquiry.pk]),
            {"subject": "{trek}", "body": "Hello {name}", "_send": "1"},
        )
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert (reply.subject, reply.body) == ("Lares Trek", "Hello Ana")


@pytest.mark.parametrize("value", ["²", "abc", "99999999999999999999", "-1", "0"])
def test_a_template_parameter_that_names_no_template_is_ignored_with_a_notice(sales, value):  # noqa: F811
    inquiry = make_inquiry()
    response = sales.get(
        reverse("admin:inquiries_inquiry_reply", args=[inquiry.pk]), {"template": value}
    )
    assert response.status_code == 200
    assert "That template is not offered: start from another." in response.text
    assert response.context["form"].initial == {}


def test_a_reply_page_for_a_number_that_is_no_request_is_a_404(sales):  # noqa: F811
    assert sales.get("/admin/inquiries/inquiry/99999999999999999999/reply/").status_code == 404


@pytest.mark.parametrize("path", ["%C2%B2/change/", "abc/change/", "abc/reply/", "%C2%B2/reply/"])
def test_a_request_page_for_an_id_that_is_no_number_says_so(sales, path):  # noqa: F811
    # Not a number, so not the reply page's <int:> address: admin's own page for an object,
    # which says it does not exist (it used to be a 500: "²".isdigit() then int()).
    response = sales.get(f"/admin/inquiries/inquiry/{path}", follow=True)
    assert response.status_code == 200
    assert "doesn’t exist. Perhaps it was deleted?" in response.text
