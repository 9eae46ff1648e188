from django import forms

from desk.replies import placeholder_error, unknown_placeholders

from .models import MessageTemplate
from .texts import PLACEHOLDERS


class MessageTemplateForm(forms.ModelForm):
    """A text staff write: a {placeholder} the site cannot fill is refused, not sent as is."""

    class Meta:
        model = MessageTemplate
        fields = ["kind", "language", "subject", "body"]

    def clean(self):
        cleaned = super().clean()
        for field in ("subject", "body"):
            unknown = unknown_placeholders(cleaned.get(field) or "", PLACEHOLDERS)
            if unknown:
                self.add_error(field, placeholder_error(unknown, PLACEHOLDERS))
        return cleaned
