# The dashboard's monthly cells keyed by what the page filters and groups by — the case's region
# path, the lead unit's region path, the channel and the first-level category — instead of one
# cell per lead unit and leaf category (about one cell per case, docs/data-growth.md). The stored
# cells are derived data: they are dropped and every month is marked for a rebuild, which the
# next opening of the dashboard (or the ten-minute refresh) queues in the background.

from django.db import migrations, models


def drop_cells(apps, schema_editor):
    apps.get_model("supervision", "DashboardCell").objects.all().delete()
    apps.get_model("supervision", "DashboardMonth").objects.update(computed_at=None, requested_at=None)


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0011_analysis_meetings"),
    ]

    operations = [
        migrations.RunPython(drop_cells, drop_cells),
        migrations.RemoveField(model_name="dashboardcell", name="category_id_value"),
        migrations.RemoveField(model_name="dashboardcell", name="region_id_value"),
        migrations.AddField(
            model_name="dashboardcell",
            name="category_root",
            field=models.CharField(blank=True, max_length=120, verbose_name="一级分类"),
        ),
    ]
