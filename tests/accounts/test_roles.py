"""The role groups that the migrations create hold exactly the permissions of accounts.roles
(SPEC "Users and roles"): the table a reader trusts is the one the database has."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from aftersales.accounts.roles import ROLE_PERMISSIONS, Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_migrated_group_has_the_roles_permissions(role):
    group = Group.objects.get(name=role)
    granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    assert granted == set(ROLE_PERMISSIONS[role])
