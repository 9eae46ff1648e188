"""The operator's links elsewhere and who it is: from the operator's details, absent when not
set; the OPERATOR_* variables that seed them refused at start when bad."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from operator_site.settings import env_checked
from operator_site.validators import validate_profile_url
from tests.factories import set_operator

pytestmark = pytest.mark.django_db

NO_LINKS = {
    "tripadvisor_url": "",
    "google_reviews_url": "",
    "facebook_url": "",
    "instagram_url": "",
}
NO_LEGAL = {"legal_name": "", "ruc": "", "licence": ""}


def test_unset_links_do_not_appear_and_no_network_home_page_is_linked(client):
    set_operator(**NO_LINKS)
    html = client.get(reverse("home")).text
    for network in ("tripadvisor", "facebook", "twitter", "instagram", "google"):
        assert not re.search(rf'href="https://(www\.)?{network}\.com/?"', html), network
    assert "Follow us" not in html
    assert "Write a review" not in html


def test_set_links_appear_in_the_footer_and_home(client):
    set_operator(
        **{
            **NO_LINKS,
            "tripadvisor_url": "https://www.tripadvisor.com/Attraction_Review-g294314-d1-Operator.html",
            "instagram_url": "https://www.instagram.com/operator_cusco/",
        }
    )
    html = client.get(reverse("home")).text
    # The footer, the home page and its structured data (sameAs).
    assert html.count("Attraction_Review-g294314-d1-Operator.html") == 3
    assert 'href="https://www.instagram.com/operator_cusco/"' in html
    assert "on Facebook" not in html


def test_footer_says_who_the_operator_is_when_set(client):
    set_operator(
        legal_name="Salkantay Trek Machu E.I.R.L.", ruc="20123456786", licence="DIRCETUR-0001"
    )
    footer = client.get(reverse("home")).text.split("<footer")[1]
    assert "Salkantay Trek Machu E.I.R.L. · RUC 20123456786 · Tourism licence DIRCETUR-0001" in (
        footer
    )


def test_footer_has_no_legal_line_when_nothing_is_set(client):
    set_operator(**NO_LEGAL)
    assert "footer-legal" not in client.get(reverse("home")).text


@pytest.mark.parametrize(
    "value",
    [
        "http://www.facebook.com/operator",
        "https://www.facebook.com/",
        "https://www.facebook.com",
        "facebook.com/operator",
        "javascript:alert(1)",
    ],
)
def test_a_link_that_is_not_an_operator_page_is_refused_at_start(monkeypatch, value):
    monkeypatch.setenv("OPERATOR_FACEBOOK_URL", value)
    with pytest.raises(ImproperlyConfigured, match="OPERATOR_FACEBOOK_URL"):
        env_checked("OPERATOR_FACEBOOK_URL", validate_profile_url)


def test_an_operator_page_is_accepted(monkeypatch):
    monkeypatch.setenv("OPERATOR_FACEBOOK_URL", "https://www.facebook.com/salkantaytrekmachu")
    assert env_checked("OPERATOR_FACEBOOK_URL", validate_profile_url).endswith(
        "/salkantaytrekmachu"
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("OPERATOR_RUC", "2012345678"),
        ("OPERATOR_RUC", "2012345678X"),
        ("OPERATOR_RUC", "20123456789"),  # a wrong check digit
        ("OPERATOR_PHONE", "914"),
        ("OPERATOR_WHATSAPP", "call me"),
        ("OPERATOR_TRIPADVISOR_URL", "https://www.tripadvisor.com/"),
        ("OPERATOR_INSTAGRAM_URL", "http://instagram.com/operator"),
    ],
)
def test_bad_operator_setting_stops_the_site_naming_it(tmp_path, variable, value):
    from tests.subprocesses import run_python

    result = run_python(
        "manage.py",
        "check",
        env_overrides={"DJANGO_SECRET_KEY": "s" * 50, variable: value},
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert variable in result.stderr
