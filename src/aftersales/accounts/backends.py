"""Authentication backend: Django's ModelBackend reading the session's user and the permission
set in one raw statement each.

Every page and API request loads its user and checks permissions; ModelBackend does it with three
ORM queries (the user, the user's own permissions, their groups'), whose compilation costs more
than running them. The results are the same: the active user, and the user's permissions and
those of each of their groups as "app_label.codename".
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection

from aftersales.accounts.models import User


@cache
def _permissions_sql() -> str:
    user_perms = User.user_permissions.through._meta.db_table
    user_groups = User.groups.through._meta.db_table
    group_perms = Group.permissions.through._meta.db_table
    return (
        f"SELECT ct.app_label, p.codename FROM {Permission._meta.db_table} p "  # noqa: S608 - our table names
        f"JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id "
        f"WHERE p.id IN (SELECT permission_id FROM {user_perms} WHERE user_id = %s) "
        f"OR p.id IN (SELECT gp.permission_id FROM {group_perms} gp "
        f"JOIN {user_groups} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s)"
    )


@cache
def _user_columns() -> tuple[list[str], str, list[tuple[int, Any, list[Any]]]]:
    """The user's attribute names, their columns and, per column that has them, the converters the
    ORM applies to what the driver gives (SQLite's times are text)."""
    fields = User._meta.concrete_fields
    converters = []
    for i, field in enumerate(fields):
        col = field.get_col(User._meta.db_table)
        found = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        if found:
            converters.append((i, col, found))
    columns = ", ".join(f"u.{connection.ops.quote_name(str(f.column))}" for f in fields)
    return [f.attname for f in fields], columns, converters


def user_read(joins_and_where: str, params: list[Any], extra: tuple[str, ...] = ()) -> tuple[User, list[Any]] | None:
    """The user of ``SELECT <the user's columns>, <extra> FROM <users> u <joins_and_where>``, built
    from its row as the ORM builds one (``Model.from_db``: loaded, not new), with the values of
    ``extra``; None without a row. Every request reads its user: a raw queryset would work out
    the columns' order for each row again."""
    names, columns, converters = _user_columns()
    sql = f"SELECT {', '.join([columns, *extra])} FROM {User._meta.db_table} u {joins_and_where}"  # noqa: S608 - ours
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row[: len(names)])
    for i, col, functions in converters:
        for convert in functions:
            values[i] = convert(values[i], col, connection)
    return User.from_db(connection.alias, names, values), list(row[len(names) :])


class Backend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        found = user_read("WHERE u.id = %s", [pk])
        return found[0] if found is not None and self.user_can_authenticate(found[0]) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            with connection.cursor() as cursor:
                cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
                user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in cursor.fetchall()}
        perms: set[str] = user_obj._perm_cache
        return perms
