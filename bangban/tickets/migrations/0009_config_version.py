"""The configuration version row and the triggers that change its token, in the changing
transaction, whenever a row intake or dispatch keeps in memory changes (`config_cache.py`)."""

from django.db import migrations, models

# (table, what changes it): the whole table, or one column of it whose value actually changed.
WATCHED = [
    ("tickets_category", None),
    ("tickets_routingrule", None),
    ("tickets_dispatchclocksettings", None),
    ("org_unit", "is_active"),
    ("org_region", "code"),
]
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION tickets_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tickets_configversion (id, token) VALUES (1, md5(random()::text || clock_timestamp()::text))
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END $$
"""
SQLITE_BUMP = "INSERT OR REPLACE INTO tickets_configversion (id, token) VALUES (1, lower(hex(randomblob(16))));"


def _statements(vendor: str) -> list[str]:
    out: list[str] = []
    if vendor == "postgresql":
        out.append(PG_FUNCTION)
        for table, column in WATCHED:
            name = f"tickets_config_changed_{table}"
            if column is None:
                out.append(
                    f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION tickets_config_changed()"
                )
            else:
                out.append(
                    f"CREATE TRIGGER {name} AFTER UPDATE OF {column} ON {table} FOR EACH ROW "
                    f"WHEN (OLD.{column} IS DISTINCT FROM NEW.{column}) EXECUTE FUNCTION tickets_config_changed()"
                )
    elif vendor == "sqlite":
        for table, column in WATCHED:
            if column is None:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    out.append(
                        f"CREATE TRIGGER tickets_config_changed_{table}_{event.lower()} AFTER {event} ON {table} "
                        f"BEGIN {SQLITE_BUMP} END"
                    )
            else:
                out.append(
                    f"CREATE TRIGGER tickets_config_changed_{table}_update AFTER UPDATE OF {column} ON {table} "
                    f"WHEN OLD.{column} IS NOT NEW.{column} BEGIN {SQLITE_BUMP} END"
                )
    return out


def _drop(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS tickets_config_changed_{t} ON {t}" for t, _c in WATCHED] + [
            "DROP FUNCTION IF EXISTS tickets_config_changed()"
        ]
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS tickets_config_changed_{t}_{e}"
            for t, _c in WATCHED
            for e in ("insert", "update", "delete")
        ]
    return []


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    apps.get_model("tickets", "ConfigVersion").objects.update_or_create(pk=1, defaults={"token": "initial"})
    for sql in _statements(vendor):
        schema_editor.execute(sql)


def uninstall(apps, schema_editor):
    for sql in _drop(schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0003_unit_initials"),
        ("tickets", "0008_open_deadline_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ConfigVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
            ],
            options={
                "verbose_name": "配置版本",
                "verbose_name_plural": "配置版本",
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
