from django.db import migrations


def apply_roles(apps, schema_editor):
    from operator_site import roles

    roles.apply(apps)


class Migration(migrations.Migration):
    """The roles again, now that the outbox exists: Sales see and retry the site's e-mails."""

    dependencies = [
        ("operator_site", "0006_facts_to_confirm"),
        ("desk", "0006_replies_through_the_outbox"),
        ("outbox", "0001_outbox_message"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
