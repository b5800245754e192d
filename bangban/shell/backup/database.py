"""The database half of a backup: a dump whose row counts and audit head are read in the dump's
own snapshot, and its restore into a scratch database for the drill."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

from bangban.audit.models import ChainHead

from .manifest import BackupError

PG_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
DRILL_PREFIX = "bangban_drill_"


@dataclass
class Snapshot:
    tables: dict[str, int]
    audit_head: dict[str, Any] | None


def engine_of(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"不支持的数据库 / unsupported database: {connection.vendor}")
    return str(connection.vendor)


def read_snapshot(connection: BaseDatabaseWrapper, cursor: Any) -> Snapshot:
    """Row counts of every table and the audit chain's head, in the cursor's transaction."""
    quote = connection.ops.quote_name
    tables: dict[str, int] = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        tables[table] = int(cursor.fetchone()[0])
    head = None
    head_table = ChainHead._meta.db_table
    if head_table in tables:
        cursor.execute(f"SELECT last_seq, last_hash FROM {quote(head_table)} WHERE id = 1")
        row = cursor.fetchone()
        if row is not None:
            head = {"last_seq": int(row[0]), "last_hash": str(row[1])}
    return Snapshot(tables, head)


@contextlib.contextmanager
def temporary_alias(settings_dict: dict[str, Any]) -> Iterator[str]:
    """A database alias for `settings_dict` (a scratch copy) in this thread, closed and forgotten
    afterwards. It is not added to the configured databases: no router, migration or system check
    ever sees it."""
    alias = f"{DRILL_PREFIX}{secrets.token_hex(4)}"
    connections[alias] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    try:
        yield alias
    finally:
        with contextlib.suppress(Exception):
            connections[alias].close()
        with contextlib.suppress(AttributeError):
            del connections[alias]


def libpq_env(settings_dict: dict[str, Any], name: str | None = None) -> dict[str, str]:
    """The environment that points pg_dump / pg_restore at a database of these settings."""
    env = dict(os.environ)
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": name or settings_dict.get("NAME"),
        "PGSSLMODE": (settings_dict.get("OPTIONS") or {}).get("sslmode"),
    }
    for key, value in values.items():
        if value:
            env[key] = str(value)
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"找不到 {command[0]}（请安装 PostgreSQL 客户端）/ {command[0]} not found")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(
            f"{command[0]} 失败 / failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}"
        )


# --- dump ----------------------------------------------------------------------------------------


def dump(alias: str, directory: Path) -> tuple[str, Snapshot]:
    """Write the database of `alias` into `directory`; answer the file's name and its snapshot."""
    connection = connections[alias]
    if engine_of(connection) == "postgresql":
        return PG_FILE, _dump_postgresql(alias, directory / PG_FILE)
    return SQLITE_FILE, _dump_sqlite(alias, directory / SQLITE_FILE)


def _dump_postgresql(alias: str, target: Path) -> Snapshot:
    # A connection of its own holds a REPEATABLE READ transaction open while pg_dump reads the
    # snapshot it exported, so the dump, the counts and the audit head are the same moment.
    connection = connections.create_connection(alias)
    try:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            _run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}"],
                libpq_env(connection.settings_dict),
            )
            snapshot = read_snapshot(connection, cursor)
            cursor.execute("ROLLBACK")
    finally:
        connection.close()
    return snapshot


def _dump_sqlite(alias: str, target: Path) -> Snapshot:
    connection = connections[alias]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    with temporary_alias(sqlite_settings(connection.settings_dict, target)) as copy_alias:
        copied = connections[copy_alias]
        with copied.cursor() as cursor:
            return read_snapshot(copied, cursor)


def sqlite_settings(base: dict[str, Any], path: Path) -> dict[str, Any]:
    settings_dict = dict(base)
    settings_dict.update(
        ENGINE="django.db.backends.sqlite3", NAME=str(path), CONN_MAX_AGE=0, OPTIONS={}, TEST={"NAME": None}
    )
    return settings_dict


# --- restore into a scratch database -------------------------------------------------------------


def drill_name(now: dt.datetime) -> str:
    return f"{DRILL_PREFIX}{now:%Y%m%d%H%M%S}_{secrets.token_hex(2)}"


@contextlib.contextmanager
def restored(
    engine: str,
    dump_file: Path,
    server: dict[str, Any],
    *,
    now: dt.datetime,
    keep: bool,
    write: Callable[[str], None],
) -> Iterator[str]:
    """Restore `dump_file` into a new scratch database and answer its alias; the database is
    removed afterwards unless `keep`. `server`: connection settings of a PostgreSQL server on
    which the role may create databases (for a SQLite backup: any settings, a file is used)."""
    name = drill_name(now)
    if engine == "sqlite":
        path = Path(tempfile.gettempdir()) / f"{name}.sqlite3"
        shutil.copyfile(dump_file, path)
        write(f"临时数据库 / scratch database: {path}")
        try:
            with temporary_alias(sqlite_settings(server, path)) as alias:
                yield alias
        finally:
            if keep:
                write(f"已保留 / kept: {path}")
            else:
                path.unlink(missing_ok=True)
        return
    if server.get("ENGINE") != "django.db.backends.postgresql":
        raise BackupError(
            "恢复 PostgreSQL 备份需要 PostgreSQL 服务器（--server-url）/ a PostgreSQL server is required"
        )
    admin = {**server, "NAME": "postgres", "CONN_MAX_AGE": 0}
    with temporary_alias(admin) as admin_alias:
        quote = connections[admin_alias].ops.quote_name
        with connections[admin_alias].cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE template0 ENCODING 'UTF8'")
        write(f"临时数据库 / scratch database: {name}")
        try:
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--no-acl",
                    "--exit-on-error",
                    f"--dbname={name}",
                    str(dump_file),
                ],
                libpq_env(server, name),
            )
            with temporary_alias({**server, "NAME": name, "CONN_MAX_AGE": 0}) as alias:
                yield alias
        finally:
            if keep:
                write(f"已保留 / kept: {name}（用毕请删除 / drop it when done）")
            else:
                with connections[admin_alias].cursor() as cursor:
                    cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")
                write(f"已删除临时数据库 / scratch database dropped: {name}")
