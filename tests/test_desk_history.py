"""A dated, append-only history per request (issue 16, item 3): status and owner changes,
follow-up dates, notes, e-mails delivered or failed; who and when; newest first."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from desk.models import InquiryEvent
from inquiries.models import Inquiry
from tests.factories import make_inquiry, queue_emails

pytestmark = pytest.mark.django_db


def _change_url(inquiry):
    return reverse("admin:inquiries_inquiry_change", args=[inquiry.pk])


def _kinds(inquiry):
    return [e.kind for e in InquiryEvent.objects.filter(inquiry=inquiry).order_by("at", "id")]


def test_status_owner_follow_up_and_note_are_recorded_with_who(staff_client):
    inquiry = make_inquiry()
    staff = staff_client.get("/admin/").wsgi_request.user
    response = staff_client.post(
        _change_url(inquiry),
        {
            "status": "quote_sent",
            "owner": str(staff.pk),
            "follow_up_on": "2027-05-14",
            "new_note": "Called her: wants the 4-day route.",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    events = {e.kind: e for e in InquiryEvent.objects.filter(inquiry=inquiry)}
    assert set(events) == {"status", "owner", "follow_up", "note"}
    assert (events["status"].old_value, events["status"].new_value) == ("new", "quote_sent")
    assert (events["status"].shown_old, events["status"].shown_new) == ("New", "Quote sent")
    assert events["owner"].new_value == "staff"
    assert events["follow_up"].new_value == "2027-05-14"
    assert events["note"].text == "Called her: wants the 4-day route."
    assert all(e.actor == staff for e in events.values())


def test_notes_are_added_never_overwritten(staff_client):
    inquiry = make_inquiry()
    for note in ("First call.", "Second call."):
        staff_client.post(_change_url(inquiry), {"status": "new", "owner": "", "new_note": note})
    notes = InquiryEvent.objects.filter(inquiry=inquiry, kind="note")
    assert [e.text for e in notes] == ["Second call.", "First call."]  # newest first
    body = staff_client.get(_change_url(inquiry)).content.decode()
    assert body.index("Second call.") < body.index("First call.")


def test_saving_without_changes_writes_no_history(staff_client):
    inquiry = make_inquiry()
    staff_client.post(_change_url(inquiry), {"status": "new", "owner": "", "new_note": "  "})
    assert _kinds(inquiry) == []


def test_a_note_longer_than_2000_characters_is_refused_and_kept_in_the_form(staff_client):
    inquiry = make_inquiry()
    long_note = "Ñ" * 2001
    response = staff_client.post(
        _change_url(inquiry), {"status": "won", "owner": "", "new_note": long_note}
    )
    assert response.status_code == 200
    assert "new_note" in response.context["adminform"].form.errors
    assert long_note in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == "new"
    assert _kinds(inquiry) == []


def test_a_note_with_a_nul_character_is_refused(staff_client):
    inquiry = make_inquiry()
    response = staff_client.post(
        _change_url(inquiry), {"status": "new", "owner": "", "new_note": "a\x00b"}
    )
    assert response.status_code == 200
    assert "new_note" in response.context["adminform"].form.errors
    assert _kinds(inquiry) == []


def test_the_lists_status_column_and_bulk_actions_are_recorded(staff_client):
    a, b = make_inquiry(), make_inquiry()
    changelist = reverse("admin:inquiries_inquiry_changelist")
    staff_client.post(
        changelist,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(a.pk),
            "form-0-status": "replied",
            "_save": "Save",
        },
    )
    staff_client.post(changelist, {"action": "mark_won", "_selected_action": [a.pk, b.pk]})
    staff_client.post(changelist, {"action": "assign_to_me", "_selected_action": [b.pk]})
    assert _kinds(a) == ["status", "status"]
    assert _kinds(b) == ["status", "owner"]
    assert Inquiry.objects.get(pk=a.pk).status == "won"


def test_emails_delivered_and_failed_are_recorded_by_the_site(monkeypatch, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    inquiry = queue_emails(make_inquiry())

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    call_command("send_outbox", stdout=io.StringIO(), stderr=io.StringIO())
    inquiry.outbox_messages.update(not_before=timezone.now())  # the pause after a failure
    call_command("send_outbox", stdout=io.StringIO(), stderr=io.StringIO())
    monkeypatch.undo()
    inquiry.outbox_messages.update(not_before=timezone.now())
    call_command("send_outbox", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    events = list(InquiryEvent.objects.filter(inquiry=inquiry).order_by("id"))
    # The first failure of each e-mail (not the retries), then each delivery.
    assert [e.kind for e in events] == ["email_failed"] * 2 + ["email_sent"] * 2
    assert "mail server down" in events[0].text
    assert "Notification to staff" in events[0].text
    assert all(e.actor is None for e in events)


def test_history_shows_on_the_request_page_newest_first_with_who(staff_client):
    inquiry = make_inquiry()
    staff_client.post(_change_url(inquiry), {"status": "replied", "owner": "", "new_note": "x"})
    body = staff_client.get(_change_url(inquiry)).content.decode()
    assert 'id="desk-history"' in body
    assert "Status changed" in body and "New → Replied" in body
    assert "staff" in body[body.index('id="desk-history"') :]


def test_history_shows_statuses_in_the_readers_language(staff_client):
    from django.utils import translation

    inquiry = make_inquiry()
    staff_client.post(_change_url(inquiry), {"status": "won", "owner": ""})
    with translation.override("es"):
        url = reverse("admin:inquiries_inquiry_change", args=[inquiry.pk])
    body = staff_client.get(url).content.decode()
    assert "Nueva → Ganada" in body


def test_there_is_no_admin_page_to_edit_or_delete_history(staff_client):
    from django.contrib import admin

    assert not admin.site.is_registered(InquiryEvent)
