from django.db import migrations


def apply_roles(apps, schema_editor):
    from operator_site import roles

    roles.apply(apps)


class Migration(migrations.Migration):
    """The roles again, now that departures, bookings, the blog, reviews and
    the facts to confirm exist (desk/0003
    ran before their tables did)."""

    dependencies = [
        ("desk", "0004_inquiry_search_indexes"),
        ("bookings", "0001_bookings_travellers_payments"),
        ("blog", "0001_post"),
        ("reviews", "0002_reviewrequest"),
        ("treks", "0005_trek_deposit_percent"),
        ("operator_site", "0006_facts_to_confirm"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
