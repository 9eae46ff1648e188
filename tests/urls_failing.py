"""The site's URLs plus a view that fails on purpose, after reading what was posted (as a form
view does): the error report must not carry it."""

from django.urls import path

from operator_site.urls import urlpatterns as site_urlpatterns


def fail(request):
    typed = request.POST.get("name", "")  # a local variable holding what the traveller typed
    raise RuntimeError(f"failed on purpose ({len(typed)} characters posted)")


urlpatterns = [path("fail/", fail, name="fail"), *site_urlpatterns]
