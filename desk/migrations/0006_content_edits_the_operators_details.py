from django.db import migrations


def apply_roles(apps, schema_editor):
    from desk import roles

    roles.apply(apps)


class Migration(migrations.Migration):
    """The roles again, now that the operator's details, the redirects and the addresses not
    found are in admin (Content's)."""

    dependencies = [
        ("desk", "0005_roles_for_bookings_blog_reviews_facts_to_confirm"),
        ("operator_site", "0008_addresses_not_found"),
        ("redirects", "0002_alter_redirect_new_path_help_text"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
