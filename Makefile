# bangban — the two commands: `make run` (try it) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -n auto --dist loadfile
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test test-dates prod-check load venv migrate demo lint check fmt bench clean help
# Moments the suite is also run at (`make test-dates`): the 1st of a month, a National Day
# holiday, and the last evening of a year whose successor has no official calendar yet. The fuzzing
# and the permission matrix, which do not depend on the date, run once in `make test`.
TEST_MOMENTS ?= 2026-11-01T09:00+08:00 2026-10-03T10:00+08:00 2026-12-31T23:50+08:00

help:
	@echo "make run    — 建立虚拟环境、迁移数据库、载入示范城市，并启动网站、任务进程和定时调度（http://127.0.0.1:8000）"
	@echo "make test   — 运行全部测试（含浏览器测试）"
	@echo "make test-dates — 在多个固定日期（月初、国庆假期、年末）各运行一次测试（不含浏览器测试）"
	@echo "make lint   — ruff、导入分层约定（import-linter）、mypy、迁移检查、生产配置检查"
	@echo "make bench  — 运行 benchmarks/ 下的性能测试"
	@echo "make load   — 在本机按生产布局（PostgreSQL、gunicorn、2 个任务进程、调度）做混合负载压测（locust；参数 ARGS=\"--rate 100 --minutes 10\"，断库演练加 --db-outage 10）"
	@echo "make prod-check — 按 docs/operations.md 在本机启动生产布局（PostgreSQL、gunicorn、任务进程、调度）并用浏览器访问"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo_city

run: demo
	$(PY) manage.py runall --addr 127.0.0.1:8000

test: venv
	@bash scripts/ensure_browser.sh
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mypy bangban config
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.prod BANGBAN_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
		BANGBAN_AUDIT_KEY=$$(head -c 32 /dev/urandom | base64) \
		DATABASE_URL=postgres://bangban@127.0.0.1:5432/bangban BANGBAN_SITE_URL=https://bangban.example.gov.cn \
		$(PY) manage.py check --deploy --fail-level WARNING

test-dates: venv
	@for moment in $(TEST_MOMENTS); do \
		echo "== test suite at $$moment"; \
		BANGBAN_TEST_NOW=$$moment DJANGO_SETTINGS_MODULE=config.settings.test \
			$(PY) -m pytest $(PYTEST_ARGS) -m "not browser" -q -p no:cacheprovider \
			--ignore=tests/api/test_fuzz.py --ignore=tests/permissions || exit 1; \
	done

# The documented production layout on loopback (scratch PostgreSQL database, gunicorn, task worker,
# scheduler), used in Chromium, then torn down: scripts/prod_smoke.py.
prod-check: venv
	@bash scripts/ensure_browser.sh
	$(PY) scripts/prod_smoke.py

# Load test of the production layout on loopback (benchmarks/load/run.py; docs/performance.md).
# Needs the optional `load` extra (locust); ARGS passes options, e.g. ARGS="--rate 30 --minutes 60".
load: venv
	@$(PY) -c "import locust" 2>/dev/null || $(PY) -m pip install --quiet -e ".[load]"
	$(PY) benchmarks/load/run.py $(ARGS)

fmt: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: venv
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
