"""Writes to the SLA policies and their target rules (R-4.2, R-4.9): the administrator's policy page.

Split from ``services.py`` by sub-domain (STYLE: services.py stays under ~800 lines). Every
function checks the permission, validates its own input in the user's language (a clash that a
unique constraint would refuse is found first and named in words), locks the policies it
compares, writes one audit row and commits in one transaction. The policy cache
(``policies.py``) follows through the ``sla-config`` change stamp, which triggers on these
tables renew (docs/adr/0004, 0008): nothing here clears a cache by hand.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.audit.models import AccessLog
from aftersales.audit.services import record
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.sla.errors import SlaErrorCode
from aftersales.sla.models import (
    CLOCK_CHOICES,
    PRIORITY_CHOICES,
    AppliesWhen,
    Calendar,
    SlaPolicy,
    SlaTargetRule,
    TargetKind,
)

CHANGE_PERMISSION = "sla.change_slapolicy"
ADD_PERMISSION = "sla.add_slapolicy"
# The longest target a rule may give: a year (a typo of 8760 hours for 876 is still caught here).
MAX_SECONDS = 366 * 86_400
MAX_DAYS = 366
POLICY_FIELDS = (
    "name",
    "priority",
    "customer_category_id",
    "product_line_id",
    "service_type",
    "calendar_id",
    "warn_at_percent",
    "pause_waiting_customer",
    "pause_waiting_parts",
    "is_active",
)


def _require(actor: Any, permission: str) -> None:
    if actor is None or not actor.has_perm(permission):
        raise PermissionDenied()


def _lock_policies() -> None:
    """Lock every policy row, by id (a company has a dozen): the checks below compare a policy with
    the others, so two administrators editing policies at once are serialised, in one order
    (no deadlock). SQLite's IMMEDIATE transactions serialise writers anyway."""
    list(SlaPolicy.objects.select_for_update().order_by("pk").values_list("pk", flat=True))


def _policy_errors(values: dict[str, Any], policy: SlaPolicy | None) -> dict[str, Any]:
    """The field-by-field checks of a policy (values as the service receives them)."""
    from aftersales.catalog.models import ProductLine, ServiceType
    from aftersales.customers.models import CustomerCategory

    errors: dict[str, Any] = {}
    name = values["name"]
    if not name:
        errors["name"] = _("Give the policy a name.")
    elif len(name) > 64:
        errors["name"] = _("At most %(max)d characters.") % {"max": 64}
    elif SlaPolicy.objects.filter(name__iexact=name).exclude(pk__in=[policy.pk] if policy else []).exists():
        errors["name"] = _("Another policy already has this name.")
    if values["priority"] not in dict(PRIORITY_CHOICES):
        errors["priority"] = _("Choose P1, P2 or P3.")
    category_id = values["customer_category_id"]
    if category_id is not None and not CustomerCategory.objects.filter(pk=category_id).exists():
        errors["customer_category_id"] = _("Unknown customer category.")
    line_id = values["product_line_id"]
    if line_id is not None and not ProductLine.objects.filter(pk=line_id).exists():
        errors["product_line_id"] = _("Unknown product line.")
    if values["service_type"] and values["service_type"] not in ServiceType.values:
        errors["service_type"] = _("Choose one of the service types.")
    calendar_id = values["calendar_id"]
    if calendar_id is not None and not Calendar.objects.filter(pk=calendar_id).exists():
        errors["calendar_id"] = _("Unknown calendar.")
    warn = values["warn_at_percent"]
    if not isinstance(warn, int) or isinstance(warn, bool) or not 1 <= warn <= 99:
        errors["warn_at_percent"] = _("Give a share between 1 and 99 %.")
    return errors


def _same_conditions(values: dict[str, Any], exclude: int) -> SlaPolicy | None:
    """Another active policy for the same priority and the same conditions: with both active only
    the lower id would ever apply, which no administrator means."""
    return (
        SlaPolicy.objects.filter(
            is_active=True,
            priority=values["priority"],
            customer_category_id=values["customer_category_id"],
            product_line_id=values["product_line_id"],
            service_type=values["service_type"],
        )
        .exclude(pk=exclude)
        .order_by("pk")
        .first()
    )


def _general(values: dict[str, Any]) -> bool:
    return (
        values["is_active"]
        and values["customer_category_id"] is None
        and values["product_line_id"] is None
        and not values["service_type"]
    )


def _refuse(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationFailed(errors)


def _values(**kwargs: Any) -> dict[str, Any]:
    values = dict(kwargs)
    values["name"] = (values["name"] or "").strip()
    values["service_type"] = values["service_type"] or ""
    values["pause_waiting_customer"] = bool(values["pause_waiting_customer"])
    values["pause_waiting_parts"] = bool(values["pause_waiting_parts"])
    values["is_active"] = bool(values["is_active"])
    return values


def sla_policy_create(
    *,
    actor: Any,
    name: str,
    priority: str,
    customer_category_id: int | None = None,
    product_line_id: int | None = None,
    service_type: str = "",
    calendar_id: int | None = None,
    warn_at_percent: int = 80,
    pause_waiting_customer: bool = True,
    pause_waiting_parts: bool = False,
) -> SlaPolicy:
    """A new policy, inactive until it has its target rules (an active policy without rules would
    give the requests it matches no targets at all)."""
    _require(actor, ADD_PERMISSION)
    values = _values(
        name=name,
        priority=priority,
        customer_category_id=customer_category_id,
        product_line_id=product_line_id,
        service_type=service_type,
        calendar_id=calendar_id,
        warn_at_percent=warn_at_percent,
        pause_waiting_customer=pause_waiting_customer,
        pause_waiting_parts=pause_waiting_parts,
        is_active=False,
    )
    _refuse(_policy_errors(values, None))
    with transaction.atomic():
        _lock_policies()
        _refuse(_policy_errors(values, None))  # again under the lock (a name taken meanwhile)
        policy = SlaPolicy.objects.create(**values)
        record(actor=actor, action=AccessLog.Action.CREATE, obj=policy, detail=_audit(values))
    return policy


def sla_policy_update(*, actor: Any, policy_id: int, **changes: Any) -> SlaPolicy:
    """Change a policy's fields (``POLICY_FIELDS``; any other is refused, named). Refused with a
    reason in words: a duplicate of another active policy's conditions, activating a policy that
    has no rules, or leaving a priority without an active policy for every request."""
    _require(actor, CHANGE_PERMISSION)
    unknown = {name: _("This field cannot be changed.") for name in changes if name not in POLICY_FIELDS}
    _refuse(unknown)
    with transaction.atomic():
        _lock_policies()
        policy = SlaPolicy.objects.filter(pk=policy_id).first()
        if policy is None:
            raise NotFound(_("This SLA policy does not exist."))
        before = {name: getattr(policy, name) for name in POLICY_FIELDS}
        values = _values(**{**before, **changes})
        errors = _policy_errors(values, policy)
        if not errors and values["is_active"]:
            clash = _same_conditions(values, exclude=policy.pk)
            if clash is not None:
                errors["is_active"] = _(
                    "The active policy “%(name)s” already applies to the same priority and conditions;"
                    " deactivate it first or change the conditions."
                ) % {"name": clash.name}
            elif not policy.rules.exists():
                errors["is_active"] = _("Add the policy's target rules before activating it.")
        if not errors and _general(before) and not _general(values):
            others = SlaPolicy.objects.filter(
                is_active=True,
                priority=before["priority"],
                customer_category__isnull=True,
                product_line__isnull=True,
                service_type="",
            ).exclude(pk=policy.pk)
            if not others.exists():
                errors["is_active" if not values["is_active"] else "priority"] = _(
                    "This is the only active policy for every %(priority)s request: keep it active and"
                    " without conditions, or activate another one first."
                ) % {"priority": before["priority"]}
        _refuse(errors)
        changed = {name: (before[name], values[name]) for name in POLICY_FIELDS if before[name] != values[name]}
        if changed:
            for name, (_old, new) in changed.items():
                setattr(policy, name, new)
            policy.save(update_fields=[*(n.removesuffix("_id") for n in changed), "updated_at"])
            record(
                actor=actor,
                action=AccessLog.Action.CHANGE,
                verb="update",
                obj=policy,
                detail={name: [_plain(old), _plain(new)] for name, (old, new) in changed.items()},
            )
    return policy


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, (bool, int, str)) else str(value)


def _audit(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _plain(value) for name, value in values.items()}


# ---- target rules ----------------------------------------------------------------------------
def _rule_errors(
    *, kind: str, applies_when: str, clock: str, duration_seconds: int | None, duration_days: int | None
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if kind not in TargetKind.values:
        errors["kind"] = _("Choose one of the SLA targets.")
    if applies_when not in AppliesWhen.values:
        errors["applies_when"] = _("Choose when the rule applies.")
    if clock not in dict(CLOCK_CHOICES):
        errors["clock"] = _("Choose how the time is counted.")
    elif clock == "working_days":
        if duration_seconds is not None:
            errors["duration_seconds"] = _("This clock counts whole working days: give days, not hours and minutes.")
        if duration_days is None:
            errors["duration_days"] = _("Give the number of working days.")
        elif not 1 <= duration_days <= MAX_DAYS:
            errors["duration_days"] = _("Between 1 and %(max)d working days.") % {"max": MAX_DAYS}
    else:
        if duration_days is not None:
            errors["duration_days"] = _("This clock counts hours and minutes: give those, not days.")
        if duration_seconds is None:
            errors["duration_seconds"] = _("Give the time in hours and minutes.")
        elif not 60 <= duration_seconds <= MAX_SECONDS:
            errors["duration_seconds"] = _("Between 1 minute and %(max)d days.") % {"max": MAX_SECONDS // 86_400}
        elif duration_seconds % 60:
            errors["duration_seconds"] = _("Give whole minutes.")
    return errors


def _rule_clash(policy: SlaPolicy, kind: str, applies_when: str, exclude: int | None) -> dict[str, Any]:
    clash = (
        policy.rules.filter(kind=kind, applies_when=applies_when).exclude(pk__in=[exclude] if exclude else []).first()
    )
    if clash is None:
        return {}
    return {
        "applies_when": _("This policy already has a rule for “%(rule)s”; change that one instead.")
        % {"rule": str(clash)}
    }


def _locked_policy(policy_id: int) -> SlaPolicy:
    policy = SlaPolicy.objects.select_for_update().filter(pk=policy_id).first()
    if policy is None:
        raise NotFound(_("This SLA policy does not exist."))
    return policy


def _save_rule(rule: SlaTargetRule) -> None:
    """Save, turning a unique clash that slipped past the check (another database session) into
    the same words instead of a constraint name."""
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        raise DomainError(
            SlaErrorCode.RULE_EXISTS,
            _("This policy already has a rule for this target and time of receipt."),
            {"applies_when": _("This policy already has a rule for this target and time of receipt.")},
            status=422,
        ) from None


def sla_rule_add(
    *,
    actor: Any,
    policy_id: int,
    kind: str,
    applies_when: str = AppliesWhen.ALWAYS,
    clock: str,
    duration_seconds: int | None = None,
    duration_days: int | None = None,
) -> SlaTargetRule:
    """A target rule of a policy: ``duration_seconds`` on the wall clock or in working hours,
    ``duration_days`` on the working-days clock. One rule per target and time of receipt."""
    _require(actor, CHANGE_PERMISSION)
    values: dict[str, Any] = {
        "kind": kind,
        "applies_when": applies_when,
        "clock": clock,
        "duration_seconds": duration_seconds,
        "duration_days": duration_days,
    }
    _refuse(_rule_errors(**values))
    with transaction.atomic():
        policy = _locked_policy(policy_id)
        _refuse(_rule_clash(policy, kind, applies_when, exclude=None))
        rule = SlaTargetRule(policy=policy, **values)
        _save_rule(rule)
        record(actor=actor, action=AccessLog.Action.CREATE, obj=rule, detail={"policy": policy.pk, **values})
    return rule


def sla_rule_update(
    *,
    actor: Any,
    rule_id: int,
    kind: str,
    applies_when: str,
    clock: str,
    duration_seconds: int | None = None,
    duration_days: int | None = None,
) -> SlaTargetRule:
    """Change a rule. Work orders keep the targets they already have (their due times were set
    when each target started); new targets follow the changed rule."""
    _require(actor, CHANGE_PERMISSION)
    values: dict[str, Any] = {
        "kind": kind,
        "applies_when": applies_when,
        "clock": clock,
        "duration_seconds": duration_seconds,
        "duration_days": duration_days,
    }
    _refuse(_rule_errors(**values))
    with transaction.atomic():
        found = SlaTargetRule.objects.filter(pk=rule_id).values_list("policy_id", flat=True).first()
        if found is None:
            raise NotFound(_("This rule does not exist."))
        policy = _locked_policy(found)  # the policy's lock before the rule's row (parent before child)
        rule = SlaTargetRule.objects.get(pk=rule_id)
        _refuse(_rule_clash(policy, kind, applies_when, exclude=rule.pk))
        before = {name: getattr(rule, name) for name in values}
        for name, value in values.items():
            setattr(rule, name, value)
        changed = {name: [before[name], value] for name, value in values.items() if before[name] != value}
        if changed:
            _save_rule(rule)
            record(
                actor=actor,
                action=AccessLog.Action.CHANGE,
                verb="update",
                obj=rule,
                detail={"policy": policy.pk, **changed},
            )
    return rule


def sla_rule_delete(*, actor: Any, rule_id: int) -> None:
    """Remove a rule; the last rule of an active policy stays (deactivate the policy first)."""
    _require(actor, CHANGE_PERMISSION)
    with transaction.atomic():
        found = SlaTargetRule.objects.filter(pk=rule_id).values_list("policy_id", flat=True).first()
        if found is None:
            raise NotFound(_("This rule does not exist."))
        policy = _locked_policy(found)
        rule = SlaTargetRule.objects.get(pk=rule_id)
        if policy.is_active and not policy.rules.filter(~Q(pk=rule.pk)).exists():
            raise DomainError(
                SlaErrorCode.LAST_RULE,
                _("An active policy needs at least one rule: deactivate the policy first."),
                {"rule": _("The last rule of an active policy.")},
                status=422,
            )
        record(actor=actor, action=AccessLog.Action.CHANGE, verb="delete", obj=rule, detail={"deleted": str(rule)})
        rule.delete()
