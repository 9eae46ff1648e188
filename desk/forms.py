from django import forms
from django.utils.translation import gettext_lazy as _

from inquiries.models import Inquiry

from .models import NOTE_MAX_LENGTH


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
