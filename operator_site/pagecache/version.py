"""What a stored page's key is made of besides the page itself: the content version (a database
row bumped by every edit) and the release (a digest of the code that renders pages).

Both are the same in every worker and on every server that runs the same code on the same
database: an edit is seen on the next request everywhere, and a deploy by the README's steps
(migrate, collectstatic, restart gunicorn) serves pages of the new code at once, with no
variable to set.
"""

import functools
import hashlib
import logging
import sysconfig
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from operator_site.models import ContentVersion

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
# Seconds a bump that the cache did not hear of (Redis down) can stay unseen.
VERSION_TIMEOUT = 30

# What of the site's own folders can change a rendered page: code, templates, translations.
_CODE_SUFFIXES = (".py", ".html", ".txt", ".xml", ".mo")


# --- The content version --------------------------------------------------------------------


def content_version():
    """The version from the cache's copy; else from the database, and the copy refilled with
    add(), which never replaces a newer copy that another request has just written."""
    try:
        version = cache.get(VERSION_KEY)
    except Exception:
        logger.warning("content version unreadable in the cache", exc_info=True)
        version = False
    if type(version) is int:
        return version
    if version is not None:  # corrupt or unreadable: deleted, so that the next add() works
        _safely(cache.delete, VERSION_KEY)
    version = _stored_version()
    _safely(cache.add, VERSION_KEY, version, VERSION_TIMEOUT)
    return version


def _stored_version():
    return ContentVersion.objects.filter(pk=1).values_list("n", flat=True).first() or 0


def bump():
    """Make every stored page unreachable. Call it in the transaction of the change."""
    _row, created = ContentVersion.objects.get_or_create(pk=1, defaults={"n": 1})
    if not created:
        ContentVersion.objects.filter(pk=1).update(n=F("n") + 1)
    # At once, so that this connection (an admin save's next page, a test) sees the change;
    # the copy every worker reads is written when the change is committed.
    _safely(cache.delete, VERSION_KEY)
    transaction.on_commit(_publish_version)


def _publish_version():
    _safely(cache.set, VERSION_KEY, _stored_version(), VERSION_TIMEOUT)


def _safely(method, *args):
    """A cache call that may fail (cache down, disk full): the page is served all the same."""
    try:
        return method(*args)
    except Exception:
        logger.warning("cache unavailable: %s not done", method.__name__, exc_info=True)
        return None


def watch(*models):
    """Bump the version on every save and delete of `models` and change of their m2m links."""
    for model in models:
        post_save.connect(_row_changed, sender=model)
        post_delete.connect(_row_changed, sender=model)
        for field in model._meta.many_to_many:
            m2m_changed.connect(_links_changed, sender=field.remote_field.through)


def _row_changed(sender, **kwargs):
    bump()


def _links_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        bump()


class BumpOnActionsAdmin:
    """For the ModelAdmin of a watched model: admin actions often use queryset.update(), which
    sends no signal, so every action bumps the version."""

    def response_action(self, request, queryset):
        response = super().response_action(request, queryset)
        bump()
        return response


# --- The release ----------------------------------------------------------------------------


@functools.cache
def release():
    """A digest of the code that renders pages: the site's apps and templates (Python files,
    templates, compiled translations), the installed packages' versions and the static files
    manifest (collectstatic rewrites it). Computed once per process, when the site starts
    (OperatorSiteConfig.ready; gunicorn's master, before it forks the workers), from files
    alone: every worker and every server with the same code and the same collected static
    files computes the same value, and a restart after a deploy computes the new one. The
    tests and tools folders are no app of the site's: they are not read."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR).resolve()
    for path in _code_files():
        # Relative to the checkout: the same code installed elsewhere gives the same value.
        name = path.relative_to(base) if path.is_relative_to(base) else path
        digest.update(str(name).encode() + b"\0")
        digest.update(path.read_bytes())
    # The installed packages by name and version, from their folders' names (cheaper in time
    # and memory than importlib.metadata, which parses every package's metadata).
    site_packages = {Path(sysconfig.get_paths()[key]) for key in ("purelib", "platlib")}
    packages = sorted(p.name for folder in site_packages for p in folder.glob("*.dist-info"))
    digest.update("\n".join(packages).encode())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def _code_files():
    base = Path(settings.BASE_DIR).resolve()
    roots = {Path(app.path).resolve() for app in apps.get_app_configs()}
    roots = {root for root in roots if root.is_relative_to(base)}
    roots |= {Path(folder).resolve() for folder in settings.TEMPLATES[0]["DIRS"]}
    roots |= {Path(folder).resolve() for folder in settings.LOCALE_PATHS}
    return sorted(
        {
            path
            for root in roots
            for path in root.rglob("*")
            if path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts and path.is_file()
        }
    )
