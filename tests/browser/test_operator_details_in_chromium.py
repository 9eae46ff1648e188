"""Content staff change the operator's phone in admin (issue 26, item 1): the home page, the
contact page and the footer show the new number on the next request, in English and Spanish."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from tests.factories import make_trek, set_operator

pytestmark = pytest.mark.django_db(transaction=True)

OLD, NEW = "+51 914 939913", "+51 984 000 111"


def test_content_staff_change_the_phone_and_both_languages_show_it(open_page, django_user_model):
    from operator_site.second_factor import enrol

    # A transactional test empties the tables after it: the migration's groups and record too.
    call_command("staff_roles", stdout=io.StringIO())
    set_operator(phone=OLD)
    make_trek(name="Lares Trek")
    user = django_user_model.objects.create_user(
        "rosa", "rosa@operator.example", "a-long-test-pass", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Content"))
    _totp, codes = enrol(user)

    visitor = open_page(1280, "/")
    for path in ("/", "/contact/", "/es/", "/es/contacto/"):  # stored for everyone first
        visitor.goto(path)
        expect(visitor.locator("footer .footer-contact")).to_contain_text(OLD)

    admin = open_page(1280, "/admin/login/")
    admin.locator("#id_username").fill("rosa")
    admin.locator("#id_password").fill("a-long-test-pass")
    admin.locator("input[name=otp_token]").fill(codes.pop())
    admin.locator("input[type=submit]").click()
    admin.get_by_role("link", name="Operator's details").first.click()
    admin.get_by_role("link", name="Salkantay Trek Machu", exact=True).click()
    admin.locator("#id_phone").fill(NEW)
    admin.locator("input[name=_save]").click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")

    for path in ("/", "/es/"):
        visitor.goto(path)
        expect(visitor.locator("header a.phone")).to_contain_text(NEW)
        expect(visitor.locator("footer .footer-contact")).to_contain_text(NEW)
        expect(visitor.locator("main")).to_contain_text(NEW)  # the home page's "Talk to us"
        assert OLD not in visitor.content()
    for path in ("/contact/", "/es/contacto/"):
        visitor.goto(path)
        expect(visitor.locator("main dl")).to_contain_text(NEW)
        expect(visitor.locator("footer .footer-contact")).to_contain_text(NEW)
