"""Sales staff work the requests in admin: list, filters, search, pipeline actions, CSV."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from inquiries.models import Inquiry
from tests.factories import make_inquiry, make_trek, queue_emails

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:inquiries_inquiry_changelist"


def _changelist(client, **params):
    return client.get(reverse(CHANGELIST), params)


@pytest.mark.parametrize(
    "url",
    [
        reverse(CHANGELIST),
        reverse("admin:inquiries_inquiry_numbers"),
        reverse("admin:inquiries_inquiry_change", args=[1]),
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    make_inquiry()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_permission_cannot_see_requests(client, django_user_model):
    user = django_user_model.objects.create_user(
        "clerk", password="a-long-test-pass", is_staff=True
    )
    client.force_login(user)
    assert _changelist(client).status_code == 403
    assert client.get(reverse("admin:inquiries_inquiry_numbers")).status_code == 403


def test_changelist_shows_every_request_newest_first(staff_client):
    trek = make_trek(name="Lares Trek")
    old = make_inquiry(name="Old Request", received_at=timezone.now() - datetime.timedelta(days=3))
    new = make_inquiry(name="New Request", trek=trek, group_size=4)
    response = _changelist(staff_client)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("New Request") < body.index("Old Request")
    assert "Lares Trek" in body
    assert "(general request)" in body
    assert "3\xa0days" in body  # age
    assert list(response.context["cl"].result_list) == [new, old]


def test_changelist_query_count_does_not_grow_with_rows(
    staff_client, django_assert_max_num_queries
):
    trek = make_trek()
    owner = staff_client.get("/admin/").wsgi_request.user
    for _ in range(30):
        make_inquiry(trek=trek, owner=owner)
    with django_assert_max_num_queries(16):
        assert _changelist(staff_client).status_code == 200


def test_filter_by_status_trek_month_and_source(staff_client):
    lares = make_trek(name="Lares Trek")
    salkantay = make_trek(name="Salkantay Trek")
    july = datetime.date(timezone.localdate().year + 1, 7, 10)
    a = make_inquiry(trek=lares, travel_date=july, lead_source="tripadvisor")
    b = make_inquiry(trek=salkantay, status=Inquiry.Status.WON, lead_source="friend")

    def names(**params):
        return set(_changelist(staff_client, **params).context["cl"].result_list)

    assert names(status__exact="won") == {b}
    assert names(trek__id__exact=str(lares.pk)) == {a}
    assert names(travel_month=f"{july:%Y-%m}") == {a}
    assert names(lead_source__exact="friend") == {b}
    # A month that is not one is ignored, and staff are told.
    response = _changelist(staff_client, travel_month="2027-²")
    assert set(response.context["cl"].result_list) == {a, b}
    assert "“2027-²” is not a month (YYYY-MM): that filter was ignored." in response.text


def test_search_by_name_or_email(staff_client):
    a = make_inquiry(name="Ana Quispe", email="ana@example.com")
    make_inquiry(name="Bob Smith", email="bob@example.org")
    assert list(_changelist(staff_client, q="quispe").context["cl"].result_list) == [a]
    assert list(_changelist(staff_client, q="ana@example").context["cl"].result_list) == [a]


def _action(client, action, rows, **filters):
    """Run an admin action on `rows`, from the list as filtered by `filters` (the action sees
    only the rows the list shows)."""
    from urllib.parse import urlencode

    url = reverse(CHANGELIST) + (f"?{urlencode(filters)}" if filters else "")
    return client.post(url, {"action": action, "_selected_action": [r.pk for r in rows]})


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("mark_replied", "replied"),
        ("mark_quote_sent", "quote_sent"),
        ("mark_won", "won"),
        ("mark_lost", "lost"),
    ],
)
def test_pipeline_actions_move_the_selected_requests(staff_client, action, status):
    a, b, c = make_inquiry(), make_inquiry(), make_inquiry()
    response = _action(staff_client, action, [a, b])
    assert response.status_code == 302
    assert set(Inquiry.objects.filter(status=status)) == {a, b}
    c.refresh_from_db()
    assert c.status == "new"


def test_assign_to_me_sets_the_owner(staff_client):
    a = make_inquiry()
    _action(staff_client, "assign_to_me", [a])
    a.refresh_from_db()
    assert a.owner.username == "staff"


def test_change_page_edits_pipeline_and_keeps_what_the_traveller_sent(staff_client):
    inquiry = make_inquiry(name="<b>Ana</b>", message="<script>x()</script>")
    url = reverse("admin:inquiries_inquiry_change", args=[inquiry.pk])
    body = staff_client.get(url).content.decode()
    assert "&lt;b&gt;Ana&lt;/b&gt;" in body
    assert "<script>x()</script>" not in body
    response = staff_client.post(
        url,
        {
            "status": "quote_sent",
            "owner": "",
            "staff_notes": "Overwritten?",
            "new_note": "Sent the 4-day quote.",
            "name": "Tampered",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    inquiry.refresh_from_db()
    assert inquiry.status == "quote_sent"
    # Notes are added to the history (desk), never overwriting the old box (issue 16).
    assert inquiry.staff_notes == ""
    assert inquiry.events.get(kind="note").text == "Sent the 4-day quote."
    assert inquiry.name == "<b>Ana</b>"  # read-only: kept as sent


def test_csv_export_of_the_selection(staff_client):
    trek = make_trek(name="Lares Trek")
    a = make_inquiry(
        trek=trek,
        name="Ana Quispe",
        email="ana@example.com",
        group_size=3,
        lead_source="tripadvisor",
        message='=HYPERLINK("http://evil.example")',
        travel_date=datetime.date(2027, 5, 1),
    )
    make_inquiry(name="Not Selected")
    response = _action(staff_client, "export_csv", [a])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="requests-')
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:8] == [
        "id",
        "received (UTC)",
        "status",
        "trek",
        "travel date",
        "people",
        "lead source",
        "name",
    ]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["trek"] == "Lares Trek"
    assert row["travel date"] == "2027-05-01"
    assert row["people"] == "3"
    assert row["lead source"] == "Tripadvisor"
    assert row["email"] == "ana@example.com"
    assert row["status"] == "New"
    # A formula typed in the form stays text in a spreadsheet.
    assert row["message"] == '\'=HYPERLINK("http://evil.example")'


def test_changelist_links_to_the_numbers(staff_client):
    body = _changelist(staff_client).content.decode()
    assert reverse("admin:inquiries_inquiry_numbers") in body
    # The "Summary" page that repeated the numbers' by-source and by-trek tables is gone.
    assert "Summary by lead source and trek" not in body


def test_trek_with_requests_cannot_be_deleted(staff_client):
    from django.db.models import ProtectedError

    trek = make_trek()
    make_inquiry(trek=trek)
    with pytest.raises(ProtectedError):
        trek.delete()


def test_staff_can_record_a_request_that_came_by_phone(staff_client):
    url = reverse("admin:inquiries_inquiry_add")
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(
        url,
        {
            "status": "new",
            "travel_date": "2027-05-01",
            "group_size": "2",
            "lead_source": "returning",
            "name": "Caller",
            "email": "caller@example.com",
            "received_at_0": "2026-11-20",
            "received_at_1": "10:00:00",
            # The caller spoke Spanish: the confirmation goes out in Spanish.
            "language": "es",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Inquiry.objects.get().name == "Caller"
    assert Inquiry.objects.get().language == "es"


# --- CSV: the complete formula escape, and phone numbers left as they are (issue 12) ------------

FORMULA_CELLS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    ' =HYPERLINK("http://evil.example")',
    '\ufeff=HYPERLINK("http://evil.example")',
    "\u200b=cmd|' /C calc'!A0",
    "\u00a0\u3000+1+1",
    "\n-2+3",
]


@pytest.mark.parametrize("value", FORMULA_CELLS)
def test_csv_escapes_a_formula_behind_spaces_a_bom_or_invisible_characters(staff_client, value):
    inquiry = make_inquiry(message=value, staff_notes=value, country=value[:80])
    row = _csv_row(staff_client, inquiry)
    for column in ("message", "staff notes", "country"):
        assert row[column] == "'" + value, column


@pytest.mark.parametrize(
    ("phone", "written"),
    [
        ("+44 7700 900123", "+44 7700 900123"),
        ("+51 (84) 123-456", "+51 (84) 123-456"),
        ("-5 1234 5678", "-5 1234 5678"),  # digits only: nothing a spreadsheet can run
        # Admin takes any text for a request that came by phone: that is escaped.
        ('+1 =HYPERLINK("x")', '\'+1 =HYPERLINK("x")'),
        ('=WEBSERVICE("x")', '\'=WEBSERVICE("x")'),
        ("@CALL", "'@CALL"),
    ],
)
def test_csv_writes_phone_numbers_as_typed_but_escapes_formulas_in_them(
    staff_client, phone, written
):
    assert _csv_row(staff_client, make_inquiry(phone=phone))["phone"] == written


def test_csv_leaves_ordinary_text_alone(staff_client):
    inquiry = make_inquiry(name="Ana Quispe", message=" Hello\n=not at the start", country="Peru")
    row = _csv_row(staff_client, inquiry)
    assert (row["name"], row["message"], row["country"]) == (
        "Ana Quispe",
        " Hello\n=not at the start",
        "Peru",
    )


def _csv_row(client, inquiry):
    response = _action(client, "export_csv", [inquiry])
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return dict(zip(rows[0], rows[1], strict=True))


# --- .xlsx export ---------------------------------------------------------------------------


def test_xlsx_export_has_phones_as_text_times_in_cusco_and_formulas_as_text(staff_client):
    import openpyxl

    trek = make_trek(name="Lares Trek")
    received = datetime.datetime(2027, 1, 15, 3, 30, tzinfo=datetime.UTC)  # 22:30 in Cusco
    a = make_inquiry(
        trek=trek,
        name="Ana Quispe",
        phone="+44 7700 900123",
        message='=HYPERLINK("http://evil.example")',
        staff_notes="pasted\x01from elsewhere",
        received_at=received,
        travel_date=datetime.date(2027, 5, 1),
        group_size=3,
    )
    make_inquiry(name="Not Selected")
    response = _action(staff_client, "export_xlsx", [a])
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="requests-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    assert len(rows) == 2
    header = [cell.value for cell in rows[0]]
    cells = dict(zip(header, rows[1], strict=True))
    assert cells["phone"].value == "+44 7700 900123"
    assert cells["phone"].data_type == "s"
    assert cells["message"].value == '=HYPERLINK("http://evil.example")'
    assert cells["message"].data_type == "s"  # text, not a formula
    assert cells["received (Cusco time)"].value == datetime.datetime(2027, 1, 14, 22, 30)
    assert cells["travel date"].value.date() == datetime.date(2027, 5, 1)
    assert cells["people"].value == 3
    assert cells["trek"].value == "Lares Trek"
    assert cells["staff notes"].value == "pasted\ufffdfrom elsewhere"


def test_xlsx_export_needs_view_permission(client, django_user_model):
    user = django_user_model.objects.create_user(
        "clerk", password="a-long-test-pass", is_staff=True
    )
    client.force_login(user)
    response = _action(client, "export_xlsx", [make_inquiry()])
    assert response.status_code == 403


# --- Suspected spam: out of the default list, one filter away, one click back (issue 12) -------


def test_suspected_spam_is_left_out_of_the_default_list_but_one_filter_away(staff_client):
    person = make_inquiry(name="Real Person")
    spam = make_inquiry(name="Autofilled Person", spam_reason=Inquiry.SpamReason.HONEYPOT)
    default = _changelist(staff_client)
    assert list(default.context["cl"].result_list) == [person]
    assert "Not spam (the pipeline)" in default.content.decode()
    assert "Suspected spam only" in default.content.decode()
    assert list(_changelist(staff_client, spam="yes").context["cl"].result_list) == [spam]
    both = _changelist(staff_client, spam="any").context["cl"].result_list
    assert set(both) == {person, spam}
    by_reason = _changelist(staff_client, spam="honeypot").context["cl"].result_list
    assert list(by_reason) == [spam]
    assert list(_changelist(staff_client, spam="too_fast").context["cl"].result_list) == []
    # Its page shows why.
    page = staff_client.get(reverse("admin:inquiries_inquiry_change", args=[spam.pk]))
    assert "Hidden field filled in" in page.content.decode()


def test_not_spam_moves_the_request_to_the_pipeline_and_sends_its_emails(
    staff_client, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.INQUIRY_NOTIFY_EMAILS = ["sales@example.com"]
    spam = make_inquiry(
        name="Autofilled Person", email="ana@example.com", spam_reason=Inquiry.SpamReason.TOO_FAST
    )
    other = make_inquiry(name="Still Spam", spam_reason=Inquiry.SpamReason.BAD_TOKEN)
    response = _action(staff_client, "mark_not_spam", [spam], spam="yes")
    assert response.status_code == 302
    spam.refresh_from_db()
    assert spam.spam_reason == ""
    assert mailoutbox == []  # queued in the outbox: send_outbox sends them
    call_command("send_outbox")
    assert sorted(m.to[0] for m in mailoutbox) == ["ana@example.com", "sales@example.com"]
    assert Inquiry.objects.get(pk=other.pk).spam_reason == Inquiry.SpamReason.BAD_TOKEN
    assert list(_changelist(staff_client).context["cl"].result_list) == [spam]


def test_not_spam_on_a_request_that_is_not_spam_sends_nothing_again(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    person = make_inquiry()
    _action(staff_client, "mark_not_spam", [person])
    call_command("send_outbox")
    assert mailoutbox == []
    assert not person.outbox_messages.exists()


def test_staff_who_may_only_view_cannot_mark_not_spam(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(
        "viewer", password="a-long-test-pass", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="view_inquiry"))
    client.force_login(user)
    spam = make_inquiry(spam_reason=Inquiry.SpamReason.HONEYPOT)
    _action(client, "mark_not_spam", [spam], spam="yes")
    assert Inquiry.objects.get(pk=spam.pk).spam_reason == Inquiry.SpamReason.HONEYPOT


# --- Purge of old suspected spam ---------------------------------------------------------------


def test_purge_deletes_suspected_spam_older_than_30_days_only(capsys):
    from django.core.management import call_command

    long_ago = timezone.now() - datetime.timedelta(days=31)
    recently = timezone.now() - datetime.timedelta(days=29)
    old_spam = make_inquiry(spam_reason=Inquiry.SpamReason.HONEYPOT, received_at=long_ago)
    new_spam = make_inquiry(spam_reason=Inquiry.SpamReason.TOO_FAST, received_at=recently)
    old_person = make_inquiry(received_at=long_ago - datetime.timedelta(days=400))
    call_command("purge_suspected_spam")
    assert "deleted 1 suspected spam request(s) older than 30 days" in capsys.readouterr().out
    remaining = set(Inquiry.objects.values_list("pk", flat=True))
    assert remaining == {new_spam.pk, old_person.pk}
    assert old_spam.pk not in remaining
    call_command("purge_suspected_spam", "--days", "7")
    assert set(Inquiry.objects.values_list("pk", flat=True)) == {old_person.pk}


def test_purge_refuses_zero_days():
    from django.core.management import CommandError, call_command

    make_inquiry(spam_reason=Inquiry.SpamReason.HONEYPOT)
    with pytest.raises(CommandError):
        call_command("purge_suspected_spam", "--days", "0")
    assert Inquiry.objects.count() == 1


def test_a_request_whose_confirmation_was_withheld_counts_as_e_mailed(staff_client, settings):
    settings.INQUIRY_CONFIRMATIONS_PER_DAY = 1
    queue_emails(make_inquiry(name="First", email="capped@example.com"))
    call_command("send_outbox")
    inquiry = make_inquiry(name="Capped Address", email="capped@example.com")
    queue_emails(inquiry)  # the address had its confirmation today
    pending = _changelist(staff_client, emails="pending").context["cl"].result_list
    assert list(pending) == [inquiry]
    assert 'alt="False"' in _changelist(staff_client).content.decode()
    call_command("send_outbox")
    inquiry.refresh_from_db()
    assert inquiry.confirmation_withheld == Inquiry.ConfirmationWithheld.DAILY_LIMIT
    assert list(_changelist(staff_client, emails="pending").context["cl"].result_list) == []
    row = _changelist(staff_client).content.decode()
    assert 'alt="True"' in row
    page = staff_client.get(reverse("admin:inquiries_inquiry_change", args=[inquiry.pk]))
    assert "Notification to staff: Sent" in page.content.decode()
