from django import forms
from django.utils.translation import gettext_lazy as _

from inquiries.models import Inquiry
from inquiries.validators import mail_address

from .models import (
    BODY_MAX_LENGTH,
    LINE_BREAKS,
    NOTE_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    ReplyTemplate,
)
from .replies import fill, placeholder_error, unknown_placeholders, values_for


class InquiryDeskForm(forms.ModelForm):
    """The request's admin form, with a note that is added to the history (never a box whose
    every save overwrites the last)."""

    new_note = forms.CharField(
        label=_("Add a note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Only staff see notes. They are added to the history with your name."),
    )

    class Meta:
        model = Inquiry
        # Admin passes the fields of its fieldsets; these are the ones staff always edit.
        fields = ["status", "owner", "follow_up_on"]


class ReplyForm(forms.Form):
    """The reply to a traveller, started from a template or blank, previewed, then sent."""

    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=ReplyTemplate.objects.filter(is_active=True),
        required=False,
        widget=forms.HiddenInput,
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX_LENGTH,
        widget=forms.TextInput(attrs={"class": "vTextField", "size": 80}),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 80}),
        help_text=_("Placeholders: {name}, {trek}, {date}, {people}, {staff}."),
    )

    def __init__(self, *args, inquiry, staff=None, **kwargs):
        self.inquiry = inquiry
        self.staff = staff
        self.filled = {}
        super().__init__(*args, **kwargs)

    def clean_subject(self):
        subject = self.cleaned_data["subject"]
        if any(char in subject for char in LINE_BREAKS):
            raise forms.ValidationError(_("The subject must be one line."))
        return subject

    def clean(self):
        cleaned = super().clean()
        if mail_address(self.inquiry.email) is None:
            raise forms.ValidationError(
                _(
                    "This traveller's e-mail address cannot be used to send mail: "
                    "call or write on WhatsApp."
                )
            )
        for field in ("subject", "body"):
            unknown = unknown_placeholders(cleaned.get(field) or "")
            if unknown:
                self.add_error(field, placeholder_error(unknown))
        if self.staff is not None and not self.errors:
            self._fill(cleaned)
        return cleaned

    def _fill(self, cleaned):
        """The subject and text with the placeholders filled in (`self.filled`), refused when
        the values make them longer than a reply can be stored with, or break the subject's
        line: before anything is stored or sent."""
        template = cleaned.get("template")
        values = values_for(
            self.inquiry,
            staff=self.staff,
            language=template.language if template else self.inquiry.language,
        )
        limits = {"subject": SUBJECT_MAX_LENGTH, "body": BODY_MAX_LENGTH}
        for field, limit in limits.items():
            text = fill(cleaned[field], values)
            if len(text) > limit:
                self.add_error(
                    field,
                    _(
                        "With the placeholders filled in this is %(length)d characters long; "
                        "it can be at most %(limit)d. Shorten it."
                    )
                    % {"length": len(text), "limit": limit},
                )
            elif field == "subject" and any(char in text for char in LINE_BREAKS):
                self.add_error(field, _("The subject must be one line."))
            else:
                self.filled[field] = text


class ChooseTemplateForm(forms.Form):
    """The reply page's ?template=<id>: an active template, or none."""

    template = forms.ModelChoiceField(
        queryset=ReplyTemplate.objects.filter(is_active=True), required=False
    )


class PeriodForm(forms.Form):
    """The numbers page's period: Cusco dates, at most ten years."""

    MAX_DAYS = 3660

    start = forms.DateField(label=_("Received from"), required=False)
    end = forms.DateField(label=_("to"), required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end of the period is before its start."))
            if (end - start).days > self.MAX_DAYS:
                raise forms.ValidationError(_("Choose a period of at most ten years."))
        return cleaned
