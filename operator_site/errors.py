"""What an error report may show of the request that failed: the e-mail DJANGO_ADMINS receive
for every server error (Django's AdminEmailHandler) and, when SENTRY_DSN is set, the tracker's
event. Never what was posted: a traveller's name, e-mail, message or passport number would
otherwise sit in the staff's inboxes. The path, method, query string and headers stay (cookie
values hidden): enough to find the bug."""

from django.views.debug import SafeExceptionReporterFilter


class NoRequestBodyFilter(SafeExceptionReporterFilter):
    """Django's filter, on in every mode (Django's only when DEBUG is off), hiding every posted
    value, every cookie value and every local variable of the traceback (which may hold what
    was posted, once a form has read it), not only those marked sensitive."""

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        # The names say which form it was; the values are the traveller's.
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_safe_cookies(self, request):
        return dict.fromkeys(getattr(request, "COOKIES", {}), self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        return []
