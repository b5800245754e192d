# The team rows were moved into the visits and duty rows by 0002; dropped in a migration of their
# own so that the drop runs in its own transaction on PostgreSQL (after the data moved).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("inspections", "0002_team_in_visit")]

    operations = [
        migrations.DeleteModel(
            name='TeamMember',
        ),
    ]
