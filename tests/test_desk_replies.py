"""Reply from the request (issue 16, item 2): templates per language with placeholders, a
preview, and send from the operator's address with Reply-To the member of staff; saved first,
sent after commit, retried when the mail server fails."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from desk.models import InquiryEvent, Reply, ReplyTemplate
from inquiries.models import Inquiry
from tests.factories import make_inquiry, make_trek

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(django_user_model, client):
    from tests.conftest import verified_login

    user = django_user_model.objects.create_superuser(
        "maria",
        "maria@operator.example",
        "a-long-test-pass",
        first_name="María",
        last_name="Huamán",
    )
    verified_login(client, user)
    return client


def _template(**kwargs):
    kwargs.setdefault("name", "Availability")
    kwargs.setdefault("language", "en")
    kwargs.setdefault("subject", "{trek} on {date}")
    kwargs.setdefault(
        "body", "Hello {name},\n{people} places on {trek} on {date} are free.\n{staff}"
    )
    return ReplyTemplate.objects.create(**kwargs)


def _reply_url(inquiry):
    return reverse("admin:inquiries_inquiry_reply", args=[inquiry.pk])


def _inquiry(**kwargs):
    kwargs.setdefault("trek", make_trek(name="Lares Trek"))
    kwargs.setdefault("travel_date", datetime.date(2027, 5, 14))
    kwargs.setdefault("group_size", 3)
    kwargs.setdefault("name", "Ana")
    return make_inquiry(**kwargs)


def test_a_template_fills_in_name_trek_date_people_and_staff(sales):
    inquiry = _inquiry()
    template = _template()
    response = sales.get(_reply_url(inquiry), {"template": template.pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["subject"] == "Lares Trek on Friday 14 May 2027"
    assert form.initial["body"] == (
        "Hello Ana,\n3 places on Lares Trek on Friday 14 May 2027 are free.\nMaría Huamán"
    )


def test_a_spanish_template_writes_the_date_in_spanish(sales):
    inquiry = _inquiry(language="es")
    template = _template(language="es", name="Disponibilidad", subject="{trek}, {date}")
    response = sales.get(_reply_url(inquiry), {"template": template.pk})
    assert response.context["form"].initial["subject"] == "Lares Trek, viernes 14 de mayo de 2027"


def test_templates_in_the_travellers_language_are_offered_first(sales):
    inquiry = _inquiry(language="es")
    english = _template(name="A first")
    spanish = _template(name="Z último", language="es")
    inactive = _template(name="Old", language="es", is_active=False)
    body = sales.get(inquiry.get_admin_url()).content.decode()
    body = body[body.index('id="desk-reply"') :]
    assert body.index(f'value="{spanish.pk}"') < body.index(f'value="{english.pk}"')
    assert f'value="{inactive.pk}"' not in body


def test_preview_shows_the_email_and_sends_nothing(sales):
    inquiry = _inquiry()
    response = sales.post(
        _reply_url(inquiry),
        {"subject": "Your {trek}", "body": "Dear {name}, see you on {date}.", "_preview": "1"},
    )
    assert response.status_code == 200
    assert response.context["preview"] == {
        "subject": "Your Lares Trek",
        "body": "Dear Ana, see you on Friday 14 May 2027.",
    }
    assert "Send the reply" in response.content.decode()
    assert Reply.objects.count() == 0
    assert mail.outbox == []


def test_sending_mails_the_traveller_from_the_operator_with_reply_to_the_staff_member(
    sales, settings, django_capture_on_commit_callbacks
):
    inquiry = _inquiry(email="ana@example.com")
    template = _template()
    response = sales.post(
        _reply_url(inquiry),
        {"template": template.pk, "subject": "Lares Trek", "body": "Hello Ana", "_send": "1"},
    )
    assert response.status_code == 302
    assert response["Location"] == inquiry.get_admin_url()
    assert mail.outbox == []  # in the outbox, sent by send_outbox
    call_command("send_outbox", stdout=io.StringIO())
    (message,) = mail.outbox
    assert message.to == ["ana@example.com"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.reply_to == ["maria@operator.example"]
    assert message.body == "Hello Ana"
    reply = Reply.objects.get()
    assert reply.message.status == "sent" and reply.template == template
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.REPLIED
    assert inquiry.first_reply_at is not None and inquiry.last_message_at is not None
    kinds = set(InquiryEvent.objects.filter(inquiry=inquiry).values_list("kind", flat=True))
    assert kinds == {"reply_queued", "status", "reply_sent"}
    page = sales.get(inquiry.get_admin_url()).content.decode()
    assert "Reply sent" in page and "Hello Ana" in page


def test_a_reply_keeps_a_later_status_as_it_is(sales, django_capture_on_commit_callbacks):
    inquiry = _inquiry(status=Inquiry.Status.QUOTE_SENT)
    sales.post(_reply_url(inquiry), {"subject": "Hi", "body": "More photos", "_send": "1"})
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.QUOTE_SENT


def test_a_mail_server_failure_keeps_the_reply_and_send_outbox_retries_it(sales, monkeypatch):
    inquiry = _inquiry()

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    response = sales.post(
        _reply_url(inquiry), {"subject": "Hi", "body": "Your dates", "_send": "1"}
    )
    assert response.status_code == 302
    call_command("send_outbox", stdout=io.StringIO(), stderr=io.StringIO())
    reply = Reply.objects.select_related("message").get()
    assert reply.message.status == "queued" and "mail server down" in reply.message.last_error
    assert InquiryEvent.objects.filter(inquiry=inquiry, kind="reply_failed").exists()
    monkeypatch.undo()
    reply.message.not_before = timezone.now()  # the pause after a failure is over
    reply.message.save()
    call_command("send_outbox", stdout=io.StringIO())
    reply.message.refresh_from_db()
    assert reply.message.status == "sent"
    assert len(mail.outbox) == 1
    call_command("send_outbox", stdout=io.StringIO())
    assert len(mail.outbox) == 1  # sent once


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"subject": "", "body": "x"}, "subject"),
        ({"subject": "x", "body": ""}, "body"),
        ({"subject": "x" * 201, "body": "x"}, "subject"),
        ({"subject": "x", "body": "x" * 5001}, "body"),
        ({"subject": "a\nBcc: all@example.com", "body": "x"}, "subject"),
        ({"subject": "x", "body": "Dear {nmae}"}, "body"),
        ({"subject": "x\x00", "body": "x"}, "subject"),
        ({"subject": "x", "body": "x", "template": "999999"}, "template"),
    ],
)
def test_a_bad_reply_is_refused_with_its_text_kept(sales, data, field):
    inquiry = _inquiry()
    response = sales.post(_reply_url(inquiry), {**data, "_send": "1"})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    if data["body"] and len(data["body"]) < 100:
        assert data["body"] in response.content.decode()
    assert Reply.objects.count() == 0
    assert mail.outbox == []


def test_no_reply_to_an_address_that_cannot_receive_mail(sales):
    inquiry = _inquiry(email="ana@exa mple.com")
    response = sales.post(_reply_url(inquiry), {"subject": "x", "body": "y", "_send": "1"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Reply.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"subject": "{trek}", "body": "{price}"}, "body"),
        ({"subject": "{when}", "body": "x"}, "subject"),
        ({"name": "", "subject": "x", "body": "x"}, "name"),
        ({"name": "n" * 101, "subject": "x", "body": "x"}, "name"),
        ({"subject": "x" * 201, "body": "x"}, "subject"),
        ({"subject": "x", "body": "x" * 5001}, "body"),
        ({"language": "fr", "subject": "x", "body": "x"}, "language"),
    ],
)
def test_a_template_with_bad_input_is_refused(staff_client, data, field):
    url = reverse("admin:desk_replytemplate_add")
    post = {"name": "Dates", "language": "en", "is_active": "on", **data}
    response = staff_client.post(url, post)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert ReplyTemplate.objects.count() == 0


def test_staff_add_a_template_in_admin(staff_client):
    url = reverse("admin:desk_replytemplate_add")
    response = staff_client.post(
        url,
        {
            "name": "Dates",
            "language": "es",
            "subject": "{trek}",
            "body": "Hola {name}",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert ReplyTemplate.objects.get().language == "es"


def test_reply_page_of_a_missing_request_is_not_found(sales):
    assert sales.get(reverse("admin:inquiries_inquiry_reply", args=[9999])).status_code == 404
