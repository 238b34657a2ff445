"""Reads of the customer archive, already scoped to the actor (R-13.1)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Case, Q, QuerySet, Value, When

from aftersales.core.db import Statement
from aftersales.core.errors import NotFound
from aftersales.customers.models import Contact, Customer, InstalledProduct, comparable_name
from aftersales.customers.phones import normalise_phone, phone_query

# The duplicate check at intake and on the customer form shows at most this many customers.
DUPLICATES_SHOWN = 5


def _scope(actor: Any) -> tuple[str, Any]:
    """Which customers the actor may see, as ``(kind, value)``: ``("own", customer id)`` for a
    portal user's own organisation, ``("all", None)`` for staff with the right, ``("assigned", user
    id)`` for a technician (the customers of the work orders assigned to them), else ``("none",
    None)``."""
    if getattr(actor, "customer_id", None):
        return "own", actor.customer_id
    if not actor.has_perm("customers.view_customer"):
        return "none", None
    if actor.has_perm("workorders.view_all_workorders"):
        return "all", None
    return "assigned", actor.pk


def _scoped(qs: QuerySet[Any], actor: Any, via: str = "", scope: tuple[str, Any] | None = None) -> QuerySet[Any]:
    """``qs`` limited to the customers the actor may see (``_scope``, or ``scope`` given),
    reached through ``via`` (``""`` for Customer itself, ``"customer__"`` for rows that belong
    to one).

    Written as a condition on the row itself, not "customer IN (every customer in scope)", which
    makes the database list the whole scope to answer one lookup.
    """
    kind, value = scope or _scope(actor)
    if kind == "own":
        return qs.filter(**{f"{via}pk": value})
    if kind == "none":
        return qs.none()
    if kind == "all":
        return qs
    # Through the technician's work orders a customer can match several times.
    return qs.filter(**{f"{via}work_orders__assignee": value}).distinct()


def _searchable(text: str) -> str:
    """A search as the database can take it, whichever door it came through: PostgreSQL refuses
    NUL in text (a crafted query string would be a 500)."""
    return text.replace("\x00", "").strip()


def customer_scope(*, actor: Any) -> QuerySet[Customer]:
    return _scoped(Customer.objects.select_related("category", "region"), actor)


def customer_list(
    *, actor: Any, q: str = "", region_id: int | None = None, category_id: int | None = None
) -> QuerySet[Customer]:
    qs = customer_scope(actor=actor)
    q = _searchable(q)
    if q:
        # phones are stored canonical (customers/phones.py), so a number is looked for in
        # that form, however it was typed ("188-5090-1576", "+86 188 5090 1576", "5090 1576").
        digits = phone_query(q) or q
        qs = qs.filter(
            Q(name__contains=q) | Q(code__icontains=q) | Q(phone__contains=digits) | Q(contacts__phone__contains=digits)
        ).distinct()
    if region_id:
        qs = qs.filter(region_id=region_id)
    if category_id:
        qs = qs.filter(category_id=category_id)
    return qs.order_by("-id")


def customer_duplicates(*, actor: Any, name: str, phone: str) -> list[tuple[Customer, str]]:
    """R-1.1: the customers the actor may see that a new customer ``name`` / ``phone`` may be a
    copy of, each with why: ``"phone"`` (the same number, the customer's own or a contact's) or
    ``"name"`` (the same name, spaces and letter case aside). Phone matches first, then the
    newest, at most ``DUPLICATES_SHOWN``. One query, on the indexed phone and name-key columns."""
    name, phone = name.strip(), normalise_phone(phone) if phone.strip() else ""
    same_name = Q(name_key=comparable_name(name)) if name else Q(pk__in=[])
    if not phone:
        rows = customer_scope(actor=actor).filter(same_name).order_by("-id")[:DUPLICATES_SHOWN]
        return [(customer, "name") for customer in rows]
    same_phone = Q(phone=phone) | Q(pk__in=Contact.objects.filter(phone=phone).values("customer_id"))
    qs = (
        customer_scope(actor=actor)
        .filter(same_name | same_phone)
        .annotate(by_phone=Case(When(same_phone, then=Value(True)), default=Value(False)))
        .order_by("-by_phone", "-id")
    )
    return [(customer, "phone" if customer.by_phone else "name") for customer in qs[:DUPLICATES_SHOWN]]


def customer_get(*, actor: Any, customer_id: int) -> Customer:
    customer = customer_scope(actor=actor).filter(pk=customer_id).first()
    if customer is None:
        raise NotFound()
    return customer


def contact_scope(*, actor: Any) -> QuerySet[Contact]:
    return _scoped(Contact.objects.all(), actor, via="customer__")


def installed_product_scope(*, actor: Any) -> QuerySet[InstalledProduct]:
    qs = InstalledProduct.objects.select_related("product_model__product_line", "customer")
    return _scoped(qs, actor, via="customer__")


# Intake's read of a product, one statement per kind of scope and database, compiled once.
_ID, _SCOPE = -(2**31) + 11, -(2**31) + 13  # markers: no id takes them
_INTAKE_READS: dict[tuple[str, str], Statement] = {}


def installed_product_for_intake(*, actor: Any, installed_product_id: int) -> InstalledProduct | None:
    """The product the actor may see with this id, its model, line, customer and the customer's
    region and category loaded with it, or None: ``installed_product_scope`` read through a
    statement compiled once for each kind of scope (``core.db.Statement``), as intake reads one
    for every request."""
    kind, value = _scope(actor)
    if kind == "none":
        return None
    limited = kind != "all"  # the scope's own value (customer or user id) is a parameter
    key = (connection.vendor, kind)
    statement = _INTAKE_READS.get(key)
    if statement is None:
        qs = _scoped(
            InstalledProduct.objects.select_related(
                "product_model__product_line", "customer__region", "customer__category"
            ),
            actor,
            via="customer__",
            scope=(kind, _SCOPE if limited else None),
        ).filter(pk=_ID)
        statement = _INTAKE_READS[key] = Statement(qs, [_ID, _SCOPE] if limited else [_ID])
    found: InstalledProduct | None = statement.one(installed_product_id, *([value] if limited else []))
    return found


def installed_product_get(*, actor: Any, installed_product_id: int) -> InstalledProduct:
    product = installed_product_scope(actor=actor).filter(pk=installed_product_id).first()
    if product is None:
        raise NotFound()
    return product


def installed_product_by_serial(*, actor: Any, serial: str) -> QuerySet[InstalledProduct]:
    """Lookup at intake (R-1.2): exact serial first, then prefix matches."""
    serial = _searchable(serial)
    if not serial:
        return installed_product_scope(actor=actor).none()
    return installed_product_scope(actor=actor).filter(serial_number__istartswith=serial).order_by("serial_number")[:20]
