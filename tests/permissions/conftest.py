from bangban.conftest import _fresh_workday_calendar, demo_clock, login, workday_calendar, world  # noqa: F401  (shared cast)
