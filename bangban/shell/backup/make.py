"""`manage.py backup`: the database, then the media files, then the manifest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections

from .database import dump, engine_of
from .manifest import BackupError, Manifest, sha256_file
from .media import copy_media, storage_label


def make_backup(directory: Path, *, now: dt.datetime, write: Callable[[str], None]) -> Manifest:
    """Back the installation up into `directory` (new or empty). The database is dumped first,
    its counts read in the same snapshot; the files are copied after it, so every file the dump
    refers to is there (a file uploaded meanwhile is merely extra)."""
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"目标目录不是空的 / the output directory is not empty: {directory}")
    directory.mkdir(parents=True, exist_ok=True)
    engine = engine_of(connections[DEFAULT_DB_ALIAS])
    database_file, snapshot = dump(DEFAULT_DB_ALIAS, directory)
    digest, size = sha256_file(directory / database_file)
    write(f"数据库 / database: {database_file}（{len(snapshot.tables)} 张表 / tables，{size} 字节 / bytes）")
    media = copy_media(directory)
    write(f"媒体文件 / media files: {len(media)} 个 / files（{sum(m.size for m in media)} 字节 / bytes）")
    manifest = Manifest(
        created_at=now.isoformat(),
        engine=engine,
        database_file=database_file,
        database_sha256=digest,
        database_size=size,
        tables=snapshot.tables,
        audit_head=snapshot.audit_head,
        media_storage=storage_label(),
        media=media,
    )
    manifest.write(directory)
    head = snapshot.audit_head
    write(
        f"审计链头 / audit head: #{head['last_seq']} {head['last_hash'][:16]}…"
        if head
        else "审计链头 / audit head: 无 / none"
    )
    write(f"备份完成 / backup written: {directory}")
    return manifest
