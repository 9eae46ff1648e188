"""Every response carries the hardening headers; pages contain nothing a strict CSP blocks."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.csp_audit import csp_problems
from tests.factories import make_destination, make_style, make_trek, make_walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def trek():
    return make_walk(make_trek(slug="lares-trek", name="Lares Trek"), 3)


def _paths(trek):
    return [
        reverse("home"),
        reverse("treks:list"),
        reverse("treks:destinations"),
        reverse("treks:styles"),
        trek.get_absolute_url(),
        make_destination().get_absolute_url(),
        make_style().get_absolute_url(),
        reverse("admin:login"),
        reverse("inquiries:contact"),
        "/no-such-page/",
    ]


def _directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part
    }


def test_every_page_sends_the_hardening_headers(client, trek):
    for path in _paths(trek):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", path
        assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin", path
        assert "camera=()" in response.headers["Permissions-Policy"], path
        assert "geolocation=()" in response.headers["Permissions-Policy"], path


def test_content_security_policy_allows_only_the_sites_own_files(client, trek):
    directives = _directives(client.get(trek.get_absolute_url()))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in client.get(reverse("home")).headers["Content-Security-Policy"]


def test_a_nonce_appears_only_when_a_template_uses_it(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    def page_using_nonce(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')

    request = rf.get("/")
    response = CSPMiddleware(page_using_nonce)(request)
    nonce = request.csp_nonce
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]

    response = CSPMiddleware(lambda request: HttpResponse("plain"))(rf.get("/"))
    assert "nonce-" not in response.headers["Content-Security-Policy"]


def test_public_pages_have_nothing_a_strict_csp_would_block(client, trek):
    for path in _paths(trek):
        response = client.get(path)
        assert response.status_code == (404 if path == "/no-such-page/" else 200), path
        assert csp_problems(response.content.decode()) == [], path


def test_error_pages_have_nothing_a_strict_csp_would_block(client, rf):
    from operator_site import views

    request = rf.get("/")
    for response in (
        views.bad_request(request, None),
        views.permission_denied(request, None),
        views.server_error(request),
        views.csrf_failure(request),
    ):
        assert csp_problems(response.content.decode()) == []


def test_admin_pages_have_no_inline_script(staff_client, trek):
    for path in (
        reverse("admin:index"),
        reverse("admin:treks_trek_changelist"),
        reverse("admin:treks_trek_change", args=[trek.pk]),
    ):
        response = staff_client.get(path)
        assert response.status_code == 200
        problems = [p for p in csp_problems(response.content.decode()) if "script" in p]
        assert problems == [], path


def test_plain_http_sends_no_hsts_and_does_not_redirect(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_behind_tls_http_redirects_and_https_gets_hsts_but_healthz_never_redirects(client):
    assert client.get(reverse("home")).status_code == 301
    assert client.get(reverse("healthz")).status_code == 200
    response = client.get(reverse("home"), headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_request_form_and_its_thank_you_page_are_csp_clean(client, trek):
    from tests.factories import inquiry_post_data

    response = client.post(reverse("inquiries:contact"), inquiry_post_data())
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert csp_problems(thanks.content.decode()) == []
    assert "frame-ancestors 'none'" in thanks.headers["Content-Security-Policy"]
    invalid = client.post(reverse("inquiries:contact"), inquiry_post_data(email="not-an-email"))
    assert invalid.status_code == 200
    assert csp_problems(invalid.content.decode()) == []
