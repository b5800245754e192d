"""The files half of a backup: every file of the default storage, read through the storage API
(so the filesystem and an S3 bucket are backed up alike), copied under `media/` with checksums."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.storage import Storage, default_storage

from .manifest import MEDIA_DIR, MediaFile, sha256_file


def storage_label() -> str:
    return str(settings.STORAGES["default"]["BACKEND"])


def walk(storage: Storage, top: str = "") -> Iterator[str]:
    """Every file name under `top`, in a stable order."""
    try:
        directories, files = storage.listdir(top)
    except FileNotFoundError:  # a filesystem storage whose root was never created
        return
    for name in sorted(files):
        yield posixpath.join(top, name) if top else name
    for directory in sorted(directories):
        yield from walk(storage, posixpath.join(top, directory) if top else directory)


def local_path(directory: Path, name: str) -> Path:
    """Where file `name` of the storage sits in a backup directory (never outside it)."""
    parts = [part for part in name.split("/") if part not in ("", ".", "..")]
    return directory.joinpath(MEDIA_DIR, *parts)


def copy_media(directory: Path, storage: Storage | None = None) -> list[MediaFile]:
    storage = storage or default_storage
    copied: list[MediaFile] = []
    for name in walk(storage):
        target = local_path(directory, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, target.open("wb") as out:
            for chunk in iter(lambda: source.read(1024 * 1024), b""):
                out.write(chunk)
        digest, size = sha256_file(target)
        copied.append(MediaFile(name=name, size=size, sha256=digest))
    return copied
