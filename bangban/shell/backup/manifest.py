"""The manifest of a backup directory (`manifest.json`) and the checksums it records."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

MANIFEST = "manifest.json"
MEDIA_DIR = "media"
FORMAT = 1


class BackupError(Exception):
    """A backup or a drill that cannot go on; the message is Chinese / English."""


def sha256_of(handle: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def sha256_file(path: Path) -> tuple[str, int]:
    with path.open("rb") as handle:
        return sha256_of(handle)


@dataclass
class MediaFile:
    name: str
    size: int
    sha256: str


@dataclass
class Manifest:
    created_at: str
    engine: str  # "postgresql" or "sqlite"
    database_file: str
    database_sha256: str
    database_size: int
    tables: dict[str, int]
    audit_head: dict[str, Any] | None
    media_storage: str
    media: list[MediaFile] = field(default_factory=list)
    format: int = FORMAT

    def write(self, directory: Path) -> Path:
        path = directory / MANIFEST
        data = asdict(self)
        path.write_text(
            json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        return path

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise BackupError(f"备份目录中没有 {MANIFEST} / no {MANIFEST} in {directory}") from exc
        except ValueError as exc:
            raise BackupError(f"{MANIFEST} 不是有效的 JSON / {MANIFEST} is not valid JSON: {exc}") from exc
        if data.get("format") != FORMAT:
            raise BackupError(f"不支持的备份格式 / unsupported backup format: {data.get('format')!r}")
        data["media"] = [MediaFile(**item) for item in data.get("media", [])]
        return cls(**data)
