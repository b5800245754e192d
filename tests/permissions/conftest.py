from bangban.conftest import _fresh_workday_calendar, login, world  # noqa: F401  (shared cast)
