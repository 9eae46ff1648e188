from django.db import migrations


def apply_roles(apps, schema_editor):
    from operator_site import roles

    roles.apply(apps)


class Migration(migrations.Migration):
    """The roles again, now that the operator's details, the redirects and the addresses not
    found are in admin (Content's)."""

    dependencies = [
        ("operator_site", "0009_addresses_not_found"),
        ("redirects", "0002_alter_redirect_new_path_help_text"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
