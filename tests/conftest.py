from __future__ import annotations

import importlib

import pytest
from django.apps import apps


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Pages and messages default to Simplified Chinese, as for a real user. Passwords use a
    fast hasher: every factory user and token log-in would otherwise dominate the run."""
    settings.LANGUAGE_CODE = "zh-hans"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    if sender.name == "aftersales.sla":
        # The default calendar and the default SLA policies, by their own migrations.
        for name, func in [
            ("0002_default_calendar", "create_default"),
            ("0004_default_policies", "create_defaults"),
            ("0005_grant_sla_permissions", "grant_permissions"),
        ]:
            module = importlib.import_module(f"aftersales.sla.migrations.{name}")
            getattr(module, func)(*((apps,) if func == "grant_permissions" else (apps, None)))


def pytest_configure(config):
    from django.db.models.signals import post_migrate

    post_migrate.connect(_restore_role_groups, dispatch_uid="tests-restore-role-groups")


@pytest.fixture(autouse=True, scope="session")
def _huey_immediate():
    """Unit tests run Huey tasks in-process (ARCHITECTURE "Background work"); immediate mode also
    switches Huey to in-memory storage, so no test writes to the worker's queue file."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
