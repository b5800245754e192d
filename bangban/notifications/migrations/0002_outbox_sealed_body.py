from django.db import migrations, models

ONE_TIME_PREFIX = "one-time:"
ONE_TIME_MASK = "（一次性验证码，不予显示）"


def seal_pending_codes(apps, schema_editor):
    """One-time messages still waiting to be sent keep their text apart from the shown body."""
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    pending = OutboxMessage.objects.filter(dedupe_key__startswith=ONE_TIME_PREFIX, status="pending")
    for message in pending.only("pk", "body"):
        OutboxMessage.objects.filter(pk=message.pk).update(sealed_body=message.body, body=ONE_TIME_MASK)
    OutboxMessage.objects.filter(dedupe_key__startswith=ONE_TIME_PREFIX).exclude(status="pending").update(
        body=ONE_TIME_MASK
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="sealed_body",
            field=models.TextField(blank=True, db_default="", default="", editable=False, verbose_name="一次性内容"),
        ),
        migrations.RunPython(seal_pending_codes, migrations.RunPython.noop),
    ]
