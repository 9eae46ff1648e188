from django.db import migrations


def create_roles(apps, schema_editor):
    from operator_site import roles

    roles.apply(apps)


def remove_roles(apps, schema_editor):
    from operator_site import roles

    apps.get_model("auth", "Group").objects.filter(name__in=list(roles.ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("desk", "0002_reply_templates_and_replies"),
        ("inquiries", "0004_desk_follow_up_and_reply_clock"),
        ("operator_site", "0005_content_pages_in_english_and_spanish"),
        ("treks", "0003_content_in_english_and_spanish"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
