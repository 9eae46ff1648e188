"""axe-core on the travel blog and the reviews pages: zero WCAG 2.2 A/AA violations, at phone
and desktop width, with reviews, the footer's legal line and the operator's links shown."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import WIDTHS
from tests.browser.test_accessibility import axe_violations

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PAGES = ["/blog/", "{post}", "/es/blog/", "/reviews/lares-trek/", "/", "/treks/lares-trek/"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_story_pages_have_no_wcag_violations(open_page, settings, width, path):
    from blog.models import Post
    from tests.factories import make_review, set_operator
    from treks.models import Trek

    call_command("loaddata", "catalogue", "pages", "blog", verbosity=0)
    set_operator(
        legal_name="Operator E.I.R.L.",
        ruc="20123456786",
        tripadvisor_url="https://www.tripadvisor.com/Attraction_Review-g294314-d1.html",
        facebook_url="https://www.facebook.com/operator.cusco",
    )
    lares = Trek.objects.get(slug="lares-trek")
    for rating in (5, 4, 5):
        make_review(lares, rating=rating, text="Test review text.")
    page = open_page(width, path.format(post=Post.objects.first().get_absolute_url()))

    count, report = axe_violations(page)

    assert count == 0, report
