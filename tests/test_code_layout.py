"""The site's code is the site: tooling (`make bench`, `make audit`) lives in tools/ and the
site's packages never import it, so it is neither deployed with them nor part of their cache key."""

import ast
from pathlib import Path

from django.conf import settings

SITE_PACKAGES = ("operator_site", "treks", "inquiries", "bookings")


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def site_sources():
    for package in SITE_PACKAGES:
        yield from sorted((settings.BASE_DIR / package).rglob("*.py"))


def test_site_packages_do_not_import_tools():
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {module}"
        for path in site_sources()
        for module in imported_modules(path)
        if module == "tools" or module.startswith("tools.")
    ]
    assert offenders == []


def test_benchmark_and_audit_live_in_tools():
    base = Path(settings.BASE_DIR)
    for name in ("bench.py", "audit.py", "server.py"):
        assert (base / "tools" / "measure" / name).is_file()
    assert not (base / "operator_site" / "measure").exists()
    # The check above would pass on an empty list: make sure it read the site's code.
    assert any(path.name == "settings.py" for path in site_sources())
