"""Reads of customer property (用户备品, R-7.3), scoped to the actor (R-13.1).

``customer_property_scope`` is the one road from an id to an item, for the staff pages, the
portal and the API alike: a customer sees only their own organisation's items; a member of staff
who manages customer property (``view_all_customerproperty``) sees every item; anyone else on staff with the
view permission only what they hold now.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from aftersales.core.errors import NotFound
from aftersales.parts.models.property import CustodyTransfer, CustomerProperty, PropertyPhoto

VIEW = "parts.view_customerproperty"
VIEW_ALL = "parts.view_all_customerproperty"
MANAGE = "parts.manage_customerproperty"


def customer_property_scope(*, actor: Any) -> QuerySet[CustomerProperty]:
    qs = CustomerProperty.objects.all()
    if not getattr(actor, "is_authenticated", False):
        return qs.none()
    if getattr(actor, "customer_id", None):
        return qs.filter(customer_id=actor.customer_id)
    if getattr(actor, "is_customer_user", False) or not actor.has_perm(VIEW):
        return qs.none()
    if actor.has_perm(VIEW_ALL):
        return qs
    return qs.filter(holder=actor)


def customer_property_list(
    *,
    actor: Any,
    status: str = "",
    holder_id: int | None = None,
    customer_id: int | None = None,
) -> QuerySet[CustomerProperty]:
    qs = customer_property_scope(actor=actor).select_related("customer", "holder", "work_order")
    if status:
        qs = qs.filter(status=status)
    if holder_id:
        qs = qs.filter(holder_id=holder_id)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    return qs


def _with_details(qs: QuerySet[CustomerProperty]) -> QuerySet[CustomerProperty]:
    return qs.select_related("customer", "holder", "received_by", "work_order").prefetch_related(
        Prefetch("transfers", CustodyTransfer.objects.select_related("from_user", "to_user", "recorded_by")),
        Prefetch("photos", PropertyPhoto.objects.all()),
    )


def customer_property_changed(*, item: CustomerProperty) -> CustomerProperty:
    """The item a service just changed, with its details, for the answer to the one who changed
    it (who may no longer see it afterwards: he handed it on or gave it back)."""
    return _with_details(CustomerProperty.objects.filter(pk=item.pk)).get()


def customer_property_get(*, actor: Any, item_id: int) -> CustomerProperty:
    item = (
        customer_property_scope(actor=actor)
        .select_related("customer", "holder", "received_by", "work_order")
        .prefetch_related(
            Prefetch("transfers", CustodyTransfer.objects.select_related("from_user", "to_user", "recorded_by")),
            Prefetch("photos", PropertyPhoto.objects.all()),
        )
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise NotFound()
    return item


def customer_property_photo(*, actor: Any, item_id: int, photo_id: int) -> PropertyPhoto:
    """A photo of an item the actor may see; else 404."""
    item = customer_property_scope(actor=actor).filter(pk=item_id).values_list("pk", flat=True).first()
    photo = PropertyPhoto.objects.filter(item_id=item, pk=photo_id).first() if item else None
    if photo is None:
        raise NotFound()
    return photo


def may_manage(actor: Any, item: CustomerProperty) -> bool:
    """Whether ``actor`` may hand the item over or return it: its holder, or a manager."""
    if getattr(actor, "is_customer_user", False) or not actor.has_perm("parts.change_customerproperty"):
        return False
    return item.status == CustomerProperty.Status.IN_CUSTODY and (item.holder_id == actor.pk or actor.has_perm(MANAGE))
