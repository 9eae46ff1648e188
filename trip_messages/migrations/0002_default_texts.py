"""The default texts of the traveller messages (trip_messages/defaults.py), on the
facts-to-confirm list until staff approve them; and the staff roles, now that the models
exist."""

from django.db import migrations


def add_texts(apps, schema_editor):
    from trip_messages import defaults

    defaults.install(apps)


def apply_roles(apps, schema_editor):
    from operator_site import roles

    roles.apply(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("trip_messages", "0001_traveller_messages"),
        ("operator_site", "0010_content_edits_the_operators_details"),
        ("desk", "0007_message_skipped_event"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(add_texts, migrations.RunPython.noop),
        migrations.RunPython(apply_roles, migrations.RunPython.noop),
    ]
