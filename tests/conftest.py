from __future__ import annotations

import datetime as dt
import importlib
import os

import pytest
import time_machine
from django.apps import apps


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Pages and messages default to Simplified Chinese, as for a real user. Passwords use a
    fast hasher: every factory user and token log-in would otherwise dominate the run."""
    settings.LANGUAGE_CODE = "zh-hans"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _client_login_passes_a_request(monkeypatch):
    """``Client.login()`` calls ``authenticate()`` without a request, which django-axes (the log-in
    throttle, accounts/throttle.py) refuses: hand it an empty one. Axes stays on for every test;
    its failure rows live in the test database, so each test starts with none."""
    from django.http import HttpRequest
    from django.test import Client

    login = Client.login

    def login_with_request(self, **credentials):
        credentials.setdefault("request", HttpRequest())
        return login(self, **credentials)

    monkeypatch.setattr(Client, "login", login_with_request)


def _restore_role_groups(sender, **kwargs):
    """Transactional tests flush the database, which empties the tables the data migrations
    filled; a flush ends with post_migrate, so put the role groups back with the migration's
    own function."""
    if sender.name == "aftersales.accounts":
        from django.contrib.auth.management import create_permissions

        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
        roles = importlib.import_module("aftersales.accounts.migrations.0003_create_role_groups")
        roles.grant_role_permissions(apps)
        lockouts = importlib.import_module("aftersales.accounts.migrations.0005_grant_lockout_permissions")
        lockouts.grant_permissions(apps)
        # The outbox page's permissions (core migration 0003, whose function would reset the app
        # registry's models_module): admins and supervisors see and retry the outbox.
        from django.contrib.auth.models import Group, Permission

        outbox = importlib.import_module("aftersales.core.migrations.0003_grant_outbox_permissions")
        for role, codenames in outbox.GRANTS.items():
            perms = Permission.objects.filter(content_type__app_label="core", codename__in=codenames)
            Group.objects.get(name=role).permissions.add(*perms)
    if sender.name == "aftersales.parts":
        # The roles' parts permissions (R-7), by the parts migration's own function.
        importlib.import_module("aftersales.parts.migrations.0001_initial").grant_permissions(apps)
        # Customer property and the parts import and stock export.
        property_grants = importlib.import_module("aftersales.parts.migrations.0002_customer_property_and_imports")
        property_grants.grant_permissions(apps)
    if sender.name == "aftersales.repairs":
        # The roles' repair-order and shipment permissions (R-6.5, R-6.6), by their migration.
        importlib.import_module("aftersales.repairs.migrations.0002_grant_repair_permissions").grant_permissions(apps)
    if sender.name == "aftersales.staff":
        # The roles' staff-profile permissions (R-10.1), by their migration.
        importlib.import_module("aftersales.staff.migrations.0002_grant_staff_permissions").grant_permissions(apps)
    if sender.name == "aftersales.dispatch":
        # The P1 approval permission, by its migration.
        importlib.import_module("aftersales.dispatch.migrations.0002_grant_dispatch_permissions").grant_permissions(
            apps
        )
        importlib.import_module("aftersales.dispatch.migrations.0003_dispatch_settings").grant_permissions(apps)
    if sender.name == "aftersales.fieldservice":
        # The roles' appointment and visit permissions (R-6), by their migrations.
        for name in ("0002_grant_appointment_permissions", "0004_grant_visit_permissions"):
            importlib.import_module(f"aftersales.fieldservice.migrations.{name}").grant_permissions(apps)
    if sender.name == "aftersales.surveys":
        # The roles' survey permissions (R-9), by their migration.
        importlib.import_module("aftersales.surveys.migrations.0002_grant_survey_permissions").grant_permissions(apps)
        importlib.import_module("aftersales.surveys.migrations.0004_grant_improvement_permission").grant_permissions(
            apps
        )
    if sender.name == "aftersales.feedback":
        # The roles' feedback permissions and the default rule row (R-8), by their migration.
        feedback = importlib.import_module("aftersales.feedback.migrations.0002_grant_permissions_and_rule")
        feedback.grant_permissions(apps)
        feedback.create_rule(apps)
    if sender.name == "aftersales.sla":
        # The default calendar and the default SLA policies, by their own migrations.
        for name, func in [
            ("0002_default_calendar", "create_default"),
            ("0004_default_policies", "create_defaults"),
            ("0005_grant_sla_permissions", "grant_permissions"),
            ("0011_grant_policy_permissions", "grant_permissions"),
        ]:
            module = importlib.import_module(f"aftersales.sla.migrations.{name}")
            getattr(module, func)(*((apps,) if func == "grant_permissions" else (apps, None)))


def _flush_past_the_append_only_guard():
    """The access log refuses DELETE and TRUNCATE (R-13.2, audit/triggers.py), so a transactional
    test's flush would fail once any row exists: the flush drops the guard first, and the
    post_migrate that ends every flush puts it back (core/triggers.py)."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    flush = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        from aftersales.audit.triggers import NAMES
        from aftersales.core import triggers
        from aftersales.parts.triggers import NAMES as PARTS_NAMES

        triggers.drop(self.connection, [*NAMES, *PARTS_NAMES])
        flush(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush


def pytest_configure(config):
    from django.db.models.signals import post_migrate

    post_migrate.connect(_restore_role_groups, dispatch_uid="tests-restore-role-groups")
    _flush_past_the_append_only_guard()


@pytest.fixture(autouse=True, scope="session")
def _huey_immediate():
    """Unit tests run Huey tasks in-process (ARCHITECTURE "Background work"); immediate mode also
    switches Huey to in-memory storage, so no test writes to the worker's queue file."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


# ---- the clock ----------------------------------------------------------------------------
# Tests never depend on today's date. A test (or module, via pytestmark) that is written about
# fixed dates says so with @pytest.mark.clock("2026-11-20T12:00:00+08:00"): it runs as if that
# moment were now, with the clock ticking on from there. AFTERSALES_TEST_CLOCK=<ISO moment> runs
# the whole session as if it were then (e.g. `AFTERSALES_TEST_CLOCK=2028-03-15T10:00:00+08:00
# make test`), which proves that no test leans on the real date.
def _clock_moment(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise pytest.UsageError(f"clock {value!r} needs a UTC offset, e.g. +08:00")
    return moment


def pytest_sessionstart(session):
    value = os.environ.get("AFTERSALES_TEST_CLOCK")
    if value:
        session.config._aftersales_clock = time_machine.travel(_clock_moment(value), tick=True)
        session.config._aftersales_clock.start()


def pytest_sessionfinish(session):
    traveller = getattr(session.config, "_aftersales_clock", None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    value = os.environ.get("AFTERSALES_TEST_CLOCK")
    return f"aftersales: the clock is set to {value}" if value else None


@pytest.fixture(autouse=True)
def _clock_marker(request):
    marker = request.node.get_closest_marker("clock")
    if marker is None:
        yield None
        return
    with time_machine.travel(_clock_moment(marker.args[0]), tick=marker.kwargs.get("tick", True)) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _certification_rule(request, monkeypatch):
    """R-5.2 blocks assigning a technician without a valid certification for the product line
    (the staff app's check, registered in workorders.services.hooks). Tests written before it
    assign factory technicians who hold none, so the check runs only in tests marked
    ``certification_rule`` (tests/staff, tests/dispatch); production and the demo always run it."""
    if request.node.get_closest_marker("certification_rule") is None:
        from aftersales.workorders.services import hooks

        monkeypatch.setattr(hooks, "ASSIGN_CHECKS", [])
