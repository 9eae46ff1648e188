from django.db import migrations


def apply_roles(apps, schema_editor):
    from operator_site import roles

    roles.apply(apps)


class Migration(migrations.Migration):
    """The roles again, now that exchange rates, amounts asked and checkouts are in admin
    (Sales')."""

    dependencies = [
        ("payments", "0001_checkouts_exchange_rates_and_amounts_asked"),
        ("operator_site", "0010_content_edits_the_operators_details"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
