# The two deadline indexes hold only the cases still open (docs/data-growth.md): at 10 million
# cases the old ones were 301 MB each and grew with every closed case, while every query that uses
# them (the sweeps, the dispatch queue, the deadline filters) reads open statuses only. New names,
# so that the new index is built (CONCURRENTLY on PostgreSQL) before the old one is dropped.

from django.db import migrations, models

from bangban.core.online_indexes import AddIndexOnline, RemoveIndexOnline

OPEN = models.Q(("status__in", ["dispatched", "in_progress", "pending_dispatch", "reply_review", "suspended"]))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("tickets", "0007_month_figure_indexes"),
    ]

    operations = [
        AddIndexOnline(
            model_name="ticket",
            index=models.Index(condition=OPEN, fields=["status", "due_at"], name="ticket_open_due"),
        ),
        AddIndexOnline(
            model_name="ticket",
            index=models.Index(condition=OPEN, fields=["status", "warn_at"], name="ticket_open_warn"),
        ),
        RemoveIndexOnline(model_name="ticket", name="ticket_status_due"),
        RemoveIndexOnline(model_name="ticket", name="ticket_status_warn"),
    ]
