from django.db import migrations

TIERS = [
    (1, "接收单位办理", "unit", "", 5),
    (2, "专题会办", "meeting", "topic", 5),
    (3, "市营商办协调", "office", "", 5),
    (4, "常务副市长会办", "meeting", "executive", 10),
]


def seed(apps, schema_editor):
    Tier = apps.get_model("escalation", "Tier")
    Settings = apps.get_model("escalation", "EscalationSettings")
    for level, name, kind, meeting_type, workdays in TIERS:
        Tier.objects.get_or_create(
            level=level, defaults={"name": name, "kind": kind, "meeting_type": meeting_type, "workdays": workdays}
        )
    Settings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("escalation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
