"""Signing in: the server time of `POST /accounts/login/` with the production password hasher, and
the hash alone for the parameter sets considered. Target: ≤ 300 ms per sign-in on the 2-core machine.

Run from the repository root:

    python benchmarks/bench_login.py [--repeat N]

Works in a scratch SQLite file in /tmp (deleted first): the demo city, whose 承办人 gets a password
hashed with the production hasher list
(`config.settings.base.PASSWORD_HASHERS`), so the stored hashes are the ones a city's database holds.
Each figure is the median of N requests through Django's test client (no network): a right password,
a wrong one, and an unknown user name (the last two must take as long as the first, so the timing does
not reveal which user names exist).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

SQLITE_PATH = Path("/tmp/bangban_bench_login.sqlite3")
PASSWORD = "Suqian-Bangban-2024"
USERNAME = "chengban_sy"  # a 承办人 of the demo city
# (time_cost, memory_cost KiB, parallelism): Django's default, and the sets weighed in docs/security.md.
CANDIDATES = [(2, 102_400, 8), (2, 65_536, 2), (2, 47_104, 1), (1, 47_104, 1), (2, 19_456, 1)]


def median_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    SQLITE_PATH.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import argon2
    import django

    django.setup()
    from django.contrib.auth.hashers import get_hasher
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from django.urls import reverse

    from bangban.accounts.models import User
    from bangban.shell import demo
    from config.settings import base

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    demo.load_demo_city()
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        hasher = get_hasher("default")
        print(f"production hasher: {type(hasher).__module__}.{type(hasher).__name__}", end="")
        print(
            f" (time_cost={hasher.time_cost}, memory_cost={hasher.memory_cost} KiB, parallelism={hasher.parallelism})"
        )
        user = User.objects.get(username=USERNAME)
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        url = reverse("accounts:login")

        def sign_in(username: str, password: str) -> None:
            client = Client()
            response = client.post(url, {"username": username, "password": password})
            assert response.status_code in (200, 302), response.status_code

        right = median_ms(lambda: sign_in(USERNAME, PASSWORD), args.repeat)
        wrong = median_ms(lambda: sign_in(USERNAME, "Wrong-password-1"), args.repeat)
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        unknown = median_ms(lambda: sign_in("nobody_here", PASSWORD), args.repeat)
        print(f"POST /accounts/login/ right password: {right:.0f} ms")
        print(f"POST /accounts/login/ wrong password: {wrong:.0f} ms")
        print(f"POST /accounts/login/ unknown user:   {unknown:.0f} ms")
    print("argon2id hash+verify, median of", args.repeat)
    for t, m, p in CANDIDATES:
        ph = argon2.PasswordHasher(time_cost=t, memory_cost=m, parallelism=p)
        stored = ph.hash(PASSWORD)
        ms = median_ms(lambda: ph.verify(stored, PASSWORD), args.repeat)  # noqa: B023
        print(f"  t={t} m={m // 1024} MiB p={p}: verify {ms:.0f} ms")


if __name__ == "__main__":
    main()
