import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()

# gunicorn does not run Django's system checks: run the platform's start-up checks (the site
# address of SMS and e-mail links, core.E001) and refuse to serve when one fails.
from django.core import checks  # noqa: E402

from bangban.core.checks import SITE_TAG  # noqa: E402

_errors = [e for e in checks.run_checks(tags=[SITE_TAG]) if e.is_serious()]
if _errors:
    raise SystemExit("\n".join(f"{e.id}: {e.msg} ({e.hint})" for e in _errors))
