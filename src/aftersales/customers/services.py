"""Writes of the customer archive (R-1.1, R-1.2). Each checks permission, validates and
records the change in the access log. Every phone is stored in its canonical form
(``customers/phones.py``); a new customer that looks like an existing one is refused as
``duplicate_customer`` until the caller confirms it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.catalog.models import ProductModel
from aftersales.core.errors import PermissionDenied, ValidationFailed
from aftersales.core.models import Region
from aftersales.core.numbering import next_value
from aftersales.core.validation import field_errors, model_update
from aftersales.customers.errors import DuplicateCustomer
from aftersales.customers.masking import shown_phone
from aftersales.customers.models import Contact, Customer, CustomerCategory, InstalledProduct
from aftersales.customers.phones import INVALID_PHONE, is_valid_phone, normalise_phone
from aftersales.customers.selectors import customer_duplicates

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _require(actor: Any, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied()


def _check_contact_fields(errors: dict[str, Any], *, phone: str, email: str) -> None:
    if phone and not is_valid_phone(phone):
        errors["phone"] = INVALID_PHONE
    if email and not EMAIL_RE.match(email):
        errors["email"] = _("Enter a valid e-mail address.")


# What customer_create sets and customer_update may change; texts the database does not bound
# get the API's limits (customers/schemas.py).
CUSTOMER_FIELDS = (
    "name",
    "kind",
    "phone",
    "email",
    "address",
    "region_id",
    "category_id",
    "service_preferences",
    "notification_channel",
)
TEXT_LIMITS = {"service_preferences": 2000, "configuration": 4000}


def _phone(value: str) -> str:
    """The phone as stored: canonical when it is one, else as typed, for the check to refuse."""
    value = value.strip()
    canonical = normalise_phone(value)
    return canonical if is_valid_phone(canonical) else value


def _check_duplicates(*, actor: Any, name: str, phone: str) -> None:
    """R-1.1: refuse a customer that looks like one the actor can already see."""
    found = customer_duplicates(actor=actor, name=name, phone=phone)
    if found:
        matches = [
            {
                "id": c.pk,
                "code": c.code,
                "name": c.name,
                "phone": shown_phone(actor, c.phone, customer_id=c.pk),
                "reason": reason,
            }
            for c, reason in found
        ]
        raise DuplicateCustomer(matches)


def _customer_errors(
    *, name: str, kind: str, phone: str, email: str, region_id: int | None, category_id: int | None
) -> dict[str, Any]:
    """The rules beyond the model's: a name that is not only spaces, the phone and e-mail
    formats, a region and category that exist. Messages say what to do."""
    errors: dict[str, Any] = {}
    if not name:
        errors["name"] = _("Enter the customer's name.")
    if kind not in Customer.Kind.values:
        errors["kind"] = _("Choose organisation or person.")
    _check_contact_fields(errors, phone=phone, email=email)
    if region_id is not None and not Region.objects.filter(pk=region_id).exists():
        errors["region_id"] = _("Unknown region.")
    if category_id is not None and not CustomerCategory.objects.filter(pk=category_id).exists():
        errors["category_id"] = _("Unknown customer category.")
    return errors


def customer_create(
    *,
    actor: Any,
    name: str,
    kind: str = Customer.Kind.PERSON,
    phone: str = "",
    email: str = "",
    address: str = "",
    region_id: int | None = None,
    category_id: int | None = None,
    service_preferences: str = "",
    notification_channel: str = Customer.NotificationChannel.SMS,
    contact_name: str = "",
    confirm_duplicate: bool = False,
) -> Customer:
    """R-1.1. Refused as ``duplicate_customer`` (with the matches) when a customer with the same
    phone or name exists, unless ``confirm_duplicate``: the agent has seen them and creates anyway."""
    _require(actor, "customers.add_customer")
    name, phone, email, address = name.strip(), _phone(phone), email.strip(), address.strip()
    customer = Customer(
        name=name,
        kind=kind,
        phone=phone,
        email=email,
        address=address,
        region_id=region_id,
        category_id=category_id,
        service_preferences=service_preferences.strip(),
        notification_channel=notification_channel,
    )
    errors = field_errors(customer, CUSTOMER_FIELDS, max_lengths=TEXT_LIMITS)
    contact_name = contact_name.strip()
    if "name" in field_errors(Contact(name=contact_name or "-"), ["name"]):
        errors["contact_name"] = _("At most %(max)d characters.") % {"max": Contact._meta.get_field("name").max_length}
    errors.update(
        _customer_errors(name=name, kind=kind, phone=phone, email=email, region_id=region_id, category_id=category_id)
    )
    if errors:
        raise ValidationFailed(errors)
    if not confirm_duplicate:
        _check_duplicates(actor=actor, name=name, phone=phone)
    with transaction.atomic():
        customer.code = f"C{next_value('customer'):07d}"
        customer.save(force_insert=True)
        if contact_name or phone:
            Contact.objects.create(
                customer=customer, name=contact_name or name, phone=phone, email=email, is_primary=True
            )
        record(actor=actor, action="create", obj=customer)
    return customer


def customer_update(*, actor: Any, customer: Customer, **changes: Any) -> Customer:
    """Change the fields given (any of ``CUSTOMER_FIELDS``), validated like ``customer_create``;
    only those columns are written."""
    _require(actor, "customers.change_customer")
    values: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items()}
    if isinstance(values.get("phone"), str):
        values["phone"] = _phone(values["phone"])
    errors = _customer_errors(
        name=values.get("name", customer.name),
        kind=values.get("kind", customer.kind),
        phone=values.get("phone", ""),
        email=values.get("email", ""),
        region_id=values.get("region_id"),
        category_id=values.get("category_id"),
    )
    with transaction.atomic():
        changed = model_update(
            instance=customer, fields=CUSTOMER_FIELDS, data=values, errors=errors, max_lengths=TEXT_LIMITS
        )
        record(
            actor=actor,
            action="change",
            verb="update",
            obj=customer,
            detail={"changed": {k: [str(old), str(new)] for k, (old, new) in changed.items()}},
        )
        if "name" in changed:
            from aftersales.workorders.services import work_orders_reindex_customer

            work_orders_reindex_customer(customer_id=customer.pk)
    return customer


def contact_create(
    *,
    actor: Any,
    customer: Customer,
    name: str,
    phone: str = "",
    email: str = "",
    position: str = "",
    is_primary: bool = False,
) -> Contact:
    _require(actor, "customers.change_customer")
    contact = Contact(
        customer=customer,
        name=name.strip(),
        phone=_phone(phone),
        email=email.strip(),
        position=position.strip(),
        is_primary=is_primary,
    )
    errors = field_errors(contact, ["name", "phone", "email", "position"])
    if not contact.name:
        errors["name"] = _("Enter the contact's name.")
    _check_contact_fields(errors, phone=contact.phone, email=contact.email)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        if is_primary:
            customer.contacts.update(is_primary=False)
        contact.save(force_insert=True)
        record(actor=actor, action="change", verb="contact_add", obj=customer, detail={"contact_added": contact.name})
    return contact


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, last_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def installed_product_create(
    *,
    actor: Any,
    customer: Customer,
    product_model_id: int,
    serial_number: str,
    batch: str = "",
    purchase_date: dt.date | None = None,
    installation_date: dt.date | None = None,
    warranty_end: dt.date | None = None,
    configuration: str = "",
) -> InstalledProduct:
    """R-1.2. Without an explicit warranty end, it is the model's warranty from installation
    (or purchase) date."""
    _require(actor, "customers.add_installedproduct")
    serial_number = serial_number.strip()
    product = InstalledProduct(
        customer=customer,
        product_model_id=product_model_id,
        serial_number=serial_number,
        batch=batch.strip(),
        purchase_date=purchase_date,
        installation_date=installation_date,
        warranty_end=warranty_end,
        configuration=configuration.strip(),
    )
    errors = field_errors(product, ["serial_number", "batch", "configuration"], max_lengths=TEXT_LIMITS)
    model = ProductModel.objects.filter(pk=product_model_id).first()
    if model is None:
        errors["product_model_id"] = _("Unknown product model.")
    if not serial_number:
        errors["serial_number"] = _("Enter the serial number.")
    elif len(serial_number) > 64:
        errors["serial_number"] = _("The serial number is longer than 64 characters.")
    elif (
        model is not None and InstalledProduct.objects.filter(product_model=model, serial_number=serial_number).exists()
    ):
        errors["serial_number"] = _("This serial number is already registered for this model.")
    from django.utils import timezone

    today = timezone.localdate()
    if purchase_date and purchase_date > today:
        errors["purchase_date"] = _("The purchase date cannot be in the future.")
    if installation_date and purchase_date and installation_date < purchase_date:
        errors["installation_date"] = _("The installation date cannot be before the purchase date.")
    if warranty_end and (installation_date or purchase_date) and warranty_end < (installation_date or purchase_date):  # type: ignore[operator]
        errors["warranty_end"] = _("The warranty cannot end before the product was bought or installed.")
    if errors or model is None:
        raise ValidationFailed(errors)
    start = installation_date or purchase_date
    if warranty_end is None and start is not None:
        warranty_end = _add_months(start, model.warranty_months) - dt.timedelta(days=1)
    product.product_model, product.warranty_end = model, warranty_end
    with transaction.atomic():
        product.save(force_insert=True)
        record(actor=actor, action="create", obj=product)
    return product
