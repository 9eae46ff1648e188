"""Admin pages of the sales desk, reached through the request admin's URLs."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from inquiries.models import Inquiry
from inquiries.validators import mail_address

from . import contact, history, replies
from .forms import ReplyForm
from .models import ReplyTemplate


def templates_for(inquiry):
    """Active templates, those in the traveller's language first."""
    return ReplyTemplate.objects.filter(is_active=True).order_by(
        Case(
            When(language=inquiry.language, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "language",
        "name",
    )


def change_page_context(request, object_id):
    """What the request's admin page shows below its form: the reply box and the history."""
    if not str(object_id).isdigit():
        return {}
    inquiry = Inquiry.objects.select_related("trek").filter(pk=object_id).first()
    if inquiry is None:
        return {}
    return {
        "events": history.events_of(inquiry.pk),
        "reply_templates": templates_for(inquiry),
        "whatsapp_url": contact.whatsapp_url(inquiry, staff_name=replies.staff_name(request.user)),
        "mailto_url": contact.mailto_url(inquiry),
    }


def reply_view(request, object_id, *, model_admin):
    inquiry = Inquiry.objects.select_related("trek").filter(pk=object_id).first()
    if inquiry is None:
        raise Http404
    if not model_admin.has_change_permission(request, inquiry):
        raise PermissionDenied
    template = None
    preview = None
    if request.method == "POST":
        form = ReplyForm(request.POST, inquiry=inquiry)
        if form.is_valid():
            template = form.cleaned_data["template"]
            values = replies.values_for(
                inquiry,
                staff=request.user,
                language=template.language if template else inquiry.language,
            )
            subject = replies.fill(form.cleaned_data["subject"], values)
            body = replies.fill(form.cleaned_data["body"], values)
            if "_send" in request.POST:
                replies.send_reply(
                    inquiry=inquiry,
                    author=request.user,
                    subject=subject,
                    body=body,
                    template=template,
                )
                messages.success(
                    request,
                    _("Reply saved; it is being sent to %(email)s.") % {"email": inquiry.email},
                )
                return redirect(inquiry.get_admin_url())
            preview = {"subject": " ".join(subject.split()), "body": body}
    else:
        initial = {}
        chosen = request.GET.get("template", "")
        if chosen.isdigit():
            template = ReplyTemplate.objects.filter(is_active=True, pk=chosen).first()
        if template is not None:
            values = replies.values_for(inquiry, staff=request.user, language=template.language)
            initial = {
                "template": template,
                "subject": replies.fill(template.subject, values),
                "body": replies.fill(template.body, values),
            }
        form = ReplyForm(initial=initial, inquiry=inquiry)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Inquiry._meta,
        "original": inquiry,
        "inquiry": inquiry,
        "title": _("Reply to %(name)s") % {"name": inquiry.name},
        "form": form,
        "preview": preview,
        "reply_templates": templates_for(inquiry),
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "reply_to": mail_address(request.user.email or "")
        or ", ".join(settings.INQUIRY_NOTIFY_EMAILS[:1]),
        "media": model_admin.media,
    }
    return TemplateResponse(request, "desk/reply.html", context)
