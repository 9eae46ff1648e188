from django.db import migrations


def apply_roles(apps, schema_editor):
    from desk import roles

    roles.apply(apps)


class Migration(migrations.Migration):
    """The roles again, now that the operator's details are a record in admin (Content edits
    it)."""

    dependencies = [
        ("desk", "0005_roles_for_bookings_blog_reviews_facts_to_confirm"),
        ("operator_site", "0007_operator_details"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
