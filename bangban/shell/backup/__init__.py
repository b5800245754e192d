"""Backups that are drilled: `manage.py backup --out DIR` and `manage.py restore_drill --from DIR`.

A backup directory holds

    database.dump      PostgreSQL: `pg_dump --format=custom` of one exported snapshot
    database.sqlite3   SQLite (trial installs): a copy made with SQLite's online backup API
    media/…            every file of the default storage (filesystem or S3 bucket)
    manifest.json      row counts per table, the audit chain's head (both read in the dump's own
                       snapshot), and the size and SHA-256 of the database file and of every
                       media file

`restore_drill` restores the database into a scratch database (PostgreSQL: a new database named
`bangban_drill_<timestamp>`, dropped afterwards unless `--keep`), then checks the row counts against
the manifest, re-derives the audit chain in the copy, checks that every media file is present with
its size and a sample with its checksum, prints a Chinese/English summary and fails (exit status 1)
on any difference. docs/operations.md §5 gives the schedule and the restore steps.
"""
