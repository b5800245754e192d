"""Production start-up: every vendored asset survives `collectstatic` with the manifest storage of
production, and `/healthz` answers 503 with the reason when static files or migrations are missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings

from bangban.core import health

MANIFEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture
def fresh_health(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "_migrations_complete", False)


def test_healthz_ok_when_everything_is_in_place(client: Any, db: Any, fresh_health: None) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_collectstatic_with_the_production_storage_then_healthz_ok(
    client: Any, db: Any, tmp_path: Path, fresh_health: None
) -> None:
    with override_settings(STORAGES=MANIFEST_STORAGES, STATIC_ROOT=tmp_path):
        # Before collectstatic: no manifest, the load balancer must take this process out.
        response = client.get("/healthz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "error"
        assert body["problems"][0]["check"] == "static"
        assert "collectstatic" in body["problems"][0]["reason"]

        # Every vendored asset must post-process (a dangling sourceMappingURL fails here).
        call_command("collectstatic", "--noinput", verbosity=0)
        manifest = (tmp_path / "staticfiles.json").read_text()
        assert "vendor/bootstrap/bootstrap.bundle.min.js" in manifest

    with override_settings(STORAGES=MANIFEST_STORAGES, STATIC_ROOT=tmp_path):
        response = client.get("/healthz")
        assert response.status_code == 200, response.content
        page = client.get("/accounts/login/")
        assert page.status_code == 200
        assert "/static/vendor/bootstrap/bootstrap.min." in page.content.decode()


def test_vendored_assets_reference_no_missing_files() -> None:
    root = Path(__file__).resolve().parents[2]
    for path in root.glob("*/static/**/*"):
        if path.suffix not in {".js", ".css"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines()[-3:]:
            if "sourceMappingURL=" in line:
                target = line.split("sourceMappingURL=")[1].split()[0].rstrip("*/")
                assert (path.parent / target).exists(), f"{path} references missing {target}"


def test_healthz_503_when_a_migration_is_not_applied(client: Any, db: Any, fresh_health: None) -> None:
    recorder = MigrationRecorder(connection)
    app, name = max(
        ((m.app, m.name) for m in recorder.migration_qs.filter(app="core")), key=lambda pair: pair[1]
    )
    recorder.record_unapplied(app, name)
    response = client.get("/healthz")
    assert response.status_code == 503
    problem = response.json()["problems"][0]
    assert problem["check"] == "migrations"
    assert "migrate" in problem["reason"]

    recorder.record_applied(app, name)
    assert client.get("/healthz").status_code == 200
