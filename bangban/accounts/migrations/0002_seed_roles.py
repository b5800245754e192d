from django.db import migrations

from bangban.accounts.roles import Role


def seed_roles(apps, schema_editor):
    RoleRecord = apps.get_model("accounts", "RoleRecord")
    for role in Role:
        RoleRecord.objects.get_or_create(code=role.value)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed_roles, migrations.RunPython.noop)]
