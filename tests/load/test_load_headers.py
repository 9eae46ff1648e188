"""The response headers of a real gunicorn started as `make run` starts it (plain http)."""

from tests.load.harness import Browser, Gunicorn


def test_real_gunicorn_sends_the_hardening_headers_over_plain_http(sqlite_site, report):
    with Gunicorn(sqlite_site, workers=1) as server:
        browser = Browser(server.base_url)
        pages = {
            path: browser.get(path)
            for path in ("/", "/treks/lares-trek/", "/contact/", "/admin/login/")
        }
        css = next(
            line.split('href="')[1].split('"')[0]
            for line in pages["/"].body.splitlines()
            if "css/site." in line
        )
        pages[css] = browser.get(css)
    for path, response in pages.items():
        assert response.status == 200, path
        report(f"GET {path} -> {response.status}")
        for name in sorted(response.headers):
            if name not in ("date", "content-length", "set-cookie", "connection", "expires"):
                report(f"    {name}: {response.headers[name]}")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cross-origin-resource-policy"] == "same-origin"
        assert "camera=()" in response.headers["permissions-policy"]
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "strict-transport-security" not in response.headers  # plain http on 127.0.0.1
    assert pages["/admin/login/"].headers["x-frame-options"] == "DENY"
    assert "max-age=315360000" in pages[css].headers["cache-control"]  # hashed static file
