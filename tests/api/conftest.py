from bangban.conftest import _fresh_workday_calendar, login, workday_calendar, world  # noqa: F401  (shared cast)
