"""The password hasher of production: Argon2id with parameters chosen for the 2-core machine a city
runs bangban on (docs/security.md, "Password hashing"; measured by benchmarks/bench_login.py).

Django's stock Argon2 parameters ask for 8 lanes, which on 2 cores only queue behind each other, and
100 MiB a hash: 180 ms a sign-in on an idle machine, over 300 ms once it is busy. These take OWASP's
46 MiB, one lane, and two passes where OWASP asks for one, so a sign-in stays under 300 ms while the
machine serves other requests. A hash stored with other parameters (Django's defaults, say) still
verifies, and is rewritten with these at the user's next sign-in (`must_update`).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class CityArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 47_104  # KiB (46 MiB)
    parallelism = 1
