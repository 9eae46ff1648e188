"""The sales desk in Chromium (issue 16, "Checked"): at 1280 px a sales user filters "waiting
more than 24 h", opens a request, sends a templated reply, sees it in the history and sets a
follow-up date. The desk's pages fit 375 and 1280 px, in English and Spanish."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from desk.models import ReplyTemplate
from inquiries.models import Inquiry
from tests.browser.conftest import SCREENSHOTS, WIDTHS, horizontal_overflow
from tests.factories import make_inquiry, make_trek, send_outbox

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sales_login(django_user_model):
    from operator_site.second_factor import enrol

    user = django_user_model.objects.create_user(
        "lucia", "lucia@operator.example", "a-long-test-pass", is_staff=True, first_name="Lucía"
    )
    # A transactional test empties the tables after it, the migration's groups too.
    call_command("staff_roles", stdout=io.StringIO())
    user.groups.add(Group.objects.get(name="Sales"))
    _totp, codes = enrol(user)

    def login(page, prefix=""):
        page.goto(f"{prefix}/admin/login/")
        page.locator("#id_username").fill("lucia")
        page.locator("#id_password").fill("a-long-test-pass")
        page.locator("input[name=otp_token]").fill(codes.pop())
        page.locator("input[type=submit]").click()
        expect(page.locator("#user-tools")).to_be_visible()

    return login


def _requests():
    lares = make_trek(name="Lares Trek")
    now = timezone.now()
    late = make_inquiry(
        name="Ana Quispe",
        email="ana@example.com",
        phone="+51 984 123 456",
        trek=lares,
        travel_date=datetime.date(2027, 5, 14),
        group_size=3,
        lead_source=Inquiry.LeadSource.TRIPADVISOR,
        received_at=now - datetime.timedelta(hours=30),
    )
    make_inquiry(
        name="Ben Fresh",
        trek=lares,
        lead_source=Inquiry.LeadSource.OTHER,
        received_at=now - datetime.timedelta(hours=2),
    )
    make_inquiry(
        name="Carla Long-Name-Traveller de la Vega y Quispe",
        email="carla.a.very.long.address.for.testing@example-travel-agency.com",
        lead_source=Inquiry.LeadSource.SOCIAL,
        language="es",
        received_at=now - datetime.timedelta(days=3),
        status=Inquiry.Status.QUOTE_SENT,
    )
    ReplyTemplate.objects.create(
        name="Dates available",
        language="en",
        subject="{trek} on {date}",
        body="Hello {name},\nthere are places for {people} on {trek} on {date}.\n{staff}",
    )
    return late


def test_sales_user_answers_a_request_that_waited_too_long(open_page, sales_login, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    late = _requests()
    page = open_page(1280, "/admin/login/")
    sales_login(page)
    page.goto("/admin/inquiries/inquiry/")
    results = page.locator("#result_list")
    expect(results).to_contain_text("Ben Fresh")
    # Every column fits: neither the page nor the list scrolls sideways at 1280 px.
    assert horizontal_overflow(page) == 0
    assert (
        page.evaluate(
            "(() => { const r = document.querySelector('.results');"
            " return r.scrollWidth - r.clientWidth; })()"
        )
        == 0
    )

    page.get_by_role("link", name="More than 24 h without a reply").click()
    expect(results).to_contain_text("Ana Quispe")
    expect(results).not_to_contain_text("Ben Fresh")
    expect(results.locator("a[href^='https://wa.me/51984123456']")).to_be_visible()
    expect(results.locator("a[href='mailto:ana@example.com']")).to_be_visible()

    results.get_by_role("link", name="Ana Quispe").click()
    page.locator("#desk-reply-template").select_option(label="Dates available (English)")
    page.get_by_role("button", name="Write the reply").click()
    expect(page.locator("#id_subject")).to_have_value("Lares Trek on Friday 14 May 2027")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#desk-preview")).to_contain_text("there are places for 3 on Lares Trek")
    expect(page.locator("#desk-preview")).to_contain_text("Lucía")
    page.get_by_role("button", name="Send the reply").click()

    expect(page.locator(".messagelist")).to_contain_text("it is being sent to ana@example.com")
    history = page.locator("#desk-history")
    expect(history).to_contain_text("Reply written")
    send_outbox()  # cron's next minute
    page.reload()
    expect(history).to_contain_text("Reply sent")
    expect(history).to_contain_text("New → Replied")
    expect(history).to_contain_text("Lucía")
    assert [m.to for m in mail.outbox] == [["ana@example.com"]]
    assert mail.outbox[0].reply_to == ["lucia@operator.example"]

    page.locator("#id_follow_up_on").fill("2027-05-01")
    page.locator("#id_new_note").fill("Asked about the 4-day route.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(history).to_contain_text("Follow-up date changed")
    expect(history).to_contain_text("Asked about the 4-day route.")
    late.refresh_from_db()
    assert late.follow_up_on == datetime.date(2027, 5, 1)
    assert late.status == Inquiry.Status.REPLIED


@pytest.mark.parametrize("prefix", ["", "/es"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_desk_pages_fit_the_screen(open_page, sales_login, width, prefix):
    late = _requests()
    page = open_page(width, f"{prefix}/admin/login/")
    sales_login(page, prefix)
    for path in (
        "/admin/inquiries/inquiry/",
        f"/admin/inquiries/inquiry/{late.pk}/change/",
        f"/admin/inquiries/inquiry/{late.pk}/reply/?template={ReplyTemplate.objects.get().pk}",
        "/admin/inquiries/inquiry/numbers/",
    ):
        page.goto(prefix + path)
        overflow = horizontal_overflow(page)
        if overflow:  # the page that does not fit, to look at (screenshots only on failure)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = f"desk-{width}{prefix.replace('/', '-')}-{path.split('/')[-2]}.png"
            page.screenshot(path=SCREENSHOTS / name, full_page=True)
        assert overflow == 0, path
