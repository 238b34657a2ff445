"""A service validates its own input with the model's own rules (STYLE rules 2 and 3a).

``field_errors`` runs Django's field validation — lengths, choices, required, validators such as
the e-mail format — for the fields a service writes, whoever called it; ``model_update`` is the
one way a service changes fields of an existing row. Relations are not checked here: a service
resolves every id through a scoped getter (STYLE rule 3), which says "not found" for the rest.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import ValidationFailed

M = TypeVar("M", bound=models.Model)


def field_errors(
    instance: models.Model, fields: Iterable[str], *, max_lengths: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """What the model's rules say about ``fields`` of ``instance`` (names or attnames), by field.

    ``max_lengths`` bounds text columns the database does not (a TextField).
    """
    wanted = set(fields)
    checked = {
        f.name
        for f in instance._meta.concrete_fields
        if not f.is_relation and (f.name in wanted or f.attname in wanted)
    }
    errors: dict[str, Any] = {}
    try:
        instance.clean_fields(exclude=[f.name for f in instance._meta.fields if f.name not in checked])
    except ValidationError as exc:
        errors = {name: " ".join(str(m) for m in messages) for name, messages in exc.message_dict.items()}
    for name, limit in (max_lengths or {}).items():
        value = getattr(instance, name, None)
        if name in checked and name not in errors and isinstance(value, str) and len(value) > limit:
            errors[name] = _("At most %(max)d characters.") % {"max": limit}
    return errors


def model_update(
    *,
    instance: M,
    fields: Collection[str],
    data: Mapping[str, Any],
    errors: Mapping[str, Any] | None = None,
    max_lengths: Mapping[str, int] | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Set ``data`` on ``instance`` and save only those columns, after validating them.

    Only names in ``fields`` may be changed (any other is refused, named); the model's rules and
    the service's own ``errors`` are checked before anything is written; ``save(update_fields=…)``
    writes just the changed columns (and ``auto_now`` ones), so a concurrent change of another
    field is kept. Returns ``{field: (before, after)}`` of what changed.
    """
    found: dict[str, Any] = {name: _("This field cannot be changed.") for name in data if name not in fields}
    before = {name: getattr(instance, name) for name in data if name in fields}
    for name, value in data.items():
        if name in fields:
            setattr(instance, name, value)
    found.update(field_errors(instance, before, max_lengths=max_lengths))
    found.update(errors or {})
    if found:
        for name, value in before.items():  # the caller's copy is left as it was
            setattr(instance, name, value)
        raise ValidationFailed(found)
    changed = {name: (old, data[name]) for name, old in before.items() if old != data[name]}
    if changed:
        auto_now = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
        instance.save(update_fields=[*changed, *auto_now])
    return changed
