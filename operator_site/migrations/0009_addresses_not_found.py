from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations, models


def name_the_site(apps, schema_editor):
    """The sites framework's one row (the redirects app keeps redirects per site): this site's
    host instead of example.com, so that what superusers see in admin is true."""
    site = apps.get_model("sites", "Site")
    site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={
            "domain": urlsplit(settings.SITE_URL).netloc[:100],
            "name": settings.OPERATOR_SEED["name"][:50],
        },
    )


class Migration(migrations.Migration):

    dependencies = [
        ("operator_site", "0008_operator_details"),
    ]

    operations = [
        migrations.CreateModel(
            name='NotFoundPath',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', models.CharField(help_text='As visitors asked for it.', max_length=300, verbose_name='address')),
                ('hits', models.PositiveIntegerField(default=1, verbose_name='times asked for')),
                ('first_seen', models.DateTimeField(auto_now_add=True, verbose_name='first asked for')),
                ('last_seen', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='last asked for')),
            ],
            options={
                'verbose_name': 'address not found',
                'verbose_name_plural': 'addresses not found',
                'ordering': ['-hits', '-last_seen'],
                'constraints': [models.UniqueConstraint(fields=('path',), name='operator_site_notfound_unique_path', violation_error_message='This address is already on the list.')],
            },
        ),
        migrations.RunPython(name_the_site, migrations.RunPython.noop),
    ]
