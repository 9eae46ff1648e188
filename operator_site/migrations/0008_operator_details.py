from django.conf import settings
from django.db import migrations, models

import operator_site.validators


def seed(apps, schema_editor):
    """The record's first values: the OPERATOR_* variables, else the operator's page's name and
    phone (settings.OPERATOR_SEED). From here on staff edit it in admin."""
    details = apps.get_model("operator_site", "OperatorDetails")
    values = dict(settings.OPERATOR_SEED)
    # Per language: the one line the variable gives is the English one.
    values["hours_en"] = values["hours"]
    details.objects.get_or_create(pk=1, defaults=values)


class Migration(migrations.Migration):
    dependencies = [
        ("operator_site", "0007_roles_for_the_outbox"),
    ]

    operations = [
        migrations.CreateModel(
            name="OperatorDetails",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="The name travellers know: header, e-mails, titles.",
                        max_length=80,
                        verbose_name="name",
                    ),
                ),
                (
                    "phone",
                    models.CharField(
                        help_text="With the country code, as it should be shown: +51 914 939913.",
                        max_length=30,
                        validators=[operator_site.validators.validate_phone],
                        verbose_name="phone",
                    ),
                ),
                (
                    "whatsapp",
                    models.CharField(
                        blank=True,
                        help_text="The WhatsApp number, with its country code; the phone when empty.",
                        max_length=30,
                        validators=[operator_site.validators.validate_phone],
                        verbose_name="WhatsApp",
                    ),
                ),
                (
                    "email",
                    models.EmailField(
                        blank=True,
                        help_text="On the contact page; not shown when empty.",
                        max_length=254,
                        verbose_name="e-mail",
                    ),
                ),
                (
                    "address",
                    models.CharField(
                        blank=True,
                        help_text="One line, as the operator writes it: “Calle Plateros 123, Cusco”.",
                        max_length=200,
                        verbose_name="street address",
                    ),
                ),
                (
                    "hours",
                    models.CharField(
                        blank=True,
                        help_text="One line in each language: “Mon-Sat 9:00-19:00”.",
                        max_length=200,
                        verbose_name="opening hours",
                    ),
                ),
                (
                    "hours_en",
                    models.CharField(
                        blank=True,
                        help_text="One line in each language: “Mon-Sat 9:00-19:00”.",
                        max_length=200,
                        null=True,
                        verbose_name="opening hours",
                    ),
                ),
                (
                    "hours_es",
                    models.CharField(
                        blank=True,
                        help_text="One line in each language: “Mon-Sat 9:00-19:00”.",
                        max_length=200,
                        null=True,
                        verbose_name="opening hours",
                    ),
                ),
                (
                    "legal_name",
                    models.CharField(
                        blank=True,
                        help_text="The registered company name, in the footer of every page.",
                        max_length=200,
                        verbose_name="legal name",
                    ),
                ),
                (
                    "ruc",
                    models.CharField(
                        blank=True,
                        help_text="Peru's tax number: 11 digits.",
                        max_length=11,
                        validators=[operator_site.validators.validate_ruc],
                        verbose_name="RUC",
                    ),
                ),
                (
                    "licence",
                    models.CharField(
                        blank=True,
                        help_text="The regional tourism office's (DIRCETUR) registration or licence number.",
                        max_length=60,
                        verbose_name="tourism licence",
                    ),
                ),
                (
                    "tripadvisor_url",
                    models.URLField(
                        blank=True,
                        help_text="The operator's own https:// page; travellers are asked to review there.",
                        validators=[operator_site.validators.validate_profile_url],
                        verbose_name="Tripadvisor page",
                    ),
                ),
                (
                    "google_reviews_url",
                    models.URLField(
                        blank=True,
                        help_text="Where Google's “write a review” form opens (Business Profile: Ask for reviews).",
                        validators=[operator_site.validators.validate_profile_url],
                        verbose_name="Google review link",
                    ),
                ),
                (
                    "facebook_url",
                    models.URLField(
                        blank=True,
                        help_text="The operator's own https:// page, not Facebook's home page.",
                        validators=[operator_site.validators.validate_profile_url],
                        verbose_name="Facebook page",
                    ),
                ),
                (
                    "instagram_url",
                    models.URLField(
                        blank=True,
                        help_text="The operator's own https:// profile, not Instagram's home page.",
                        validators=[operator_site.validators.validate_profile_url],
                        verbose_name="Instagram profile",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
            ],
            options={
                "verbose_name": "operator's details",
                "verbose_name_plural": "operator's details",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)),
                        name="operator_site_details_one_row",
                        violation_error_message="The operator's details are one record.",
                    )
                ],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
