"""API schemas of the customer archive (R-1). Phones, e-mail and postal addresses go through
masking.py (R-13.1)."""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from aftersales.api.schemas import Day, Id, QueryId, Ref, Text, named_choices
from aftersales.customers.masking import shown_address, shown_email, shown_phone
from aftersales.customers.models import Customer, WarrantyStatus

# who sees contact data as it is.
MASKED_FOR = "for roles without view_contact_details; a portal user sees their own organisation's as it is"


CustomerKind = named_choices("CustomerKind", Customer.Kind)
NotificationChannel = named_choices("CustomerNotificationChannel", Customer.NotificationChannel)
MESSAGES_BY = "How the customer is told that their request was received, assigned, resolved and closed."


def _user(context: Any) -> Any:
    return context["request"].user


class CustomerIn(Schema):
    name: Text(128, min_length=1)
    kind: CustomerKind = CustomerKind.PERSON
    phone: Text(32) = Field("", description="Stored without separators: 188 5090 1576 is kept as 18850901576.")
    email: Text(254) = ""
    address: Text(255) = ""
    region_id: Id | None = None
    category_id: Id | None = None
    service_preferences: Text(2000) = ""
    notification_channel: NotificationChannel = Field(NotificationChannel.SMS, description=MESSAGES_BY)
    contact_name: Text(64) = Field("", description="Primary contact; the customer's name when empty.")
    confirm_duplicate: bool = Field(
        False,
        description="Create even when a customer with the same phone or name exists "
        "(without it such a request is answered 409 duplicate_customer with the matches).",
    )


class CustomerPatch(Schema):
    """Only the fields sent are changed; ``null`` clears region or category."""

    name: Text(128, min_length=1) = None
    kind: CustomerKind = None
    phone: Text(32) = None
    email: Text(254) = None
    address: Text(255) = None
    region_id: Id | None = None
    category_id: Id | None = None
    service_preferences: Text(2000) = None
    notification_channel: NotificationChannel = Field(None, description=MESSAGES_BY)


class CustomerOut(Schema):
    id: int
    code: str
    kind: str
    name: str
    category: Ref | None
    region: Ref | None
    phone: str = Field(description=f"Masked (138****1234) {MASKED_FOR}.")
    email: str = Field(description=f"Masked (z****@example.com) {MASKED_FOR}.")
    address: str = Field(description=f"Masked after the city/district {MASKED_FOR}.")
    service_preferences: str
    notification_channel: NotificationChannel = Field(description=MESSAGES_BY)
    created_at: dt.datetime

    @staticmethod
    def resolve_phone(obj: Customer, context: Any) -> str:
        return shown_phone(_user(context), obj.phone, customer_id=obj.pk)

    @staticmethod
    def resolve_email(obj: Customer, context: Any) -> str:
        return shown_email(_user(context), obj.email, customer_id=obj.pk)

    @staticmethod
    def resolve_address(obj: Customer, context: Any) -> str:
        return shown_address(_user(context), obj.address, customer_id=obj.pk)


class CustomerFilter(Schema):
    q: Text(100) = Field("", description="Substring of name, customer number or phone.")
    region_id: QueryId | None = None
    category_id: QueryId | None = None
    cursor: Text(512) | None = None
    page_size: int = Field(25, ge=1, le=100)


class CustomerPageOut(Schema):
    items: list[CustomerOut]
    next_cursor: str | None
    count: int
    count_capped: bool


class ContactIn(Schema):
    name: Text(64, min_length=1)
    phone: Text(32) = ""
    email: Text(254) = ""
    position: Text(64) = ""
    is_primary: bool = False


class ContactOut(Schema):
    id: int
    customer_id: int
    name: str
    phone: str = Field(description=f"Masked {MASKED_FOR}.")
    email: str = Field(description=f"Masked {MASKED_FOR}.")
    position: str
    is_primary: bool

    @staticmethod
    def resolve_phone(obj: Any, context: Any) -> str:
        return shown_phone(_user(context), obj.phone, customer_id=obj.customer_id)

    @staticmethod
    def resolve_email(obj: Any, context: Any) -> str:
        return shown_email(_user(context), obj.email, customer_id=obj.customer_id)


class ProductModelRef(Schema):
    id: int
    code: str
    name: str
    product_line: Ref


class InstalledProductIn(Schema):
    product_model_id: Id
    serial_number: Text(64, min_length=1)
    batch: Text(64) = ""
    purchase_date: Day | None = None
    installation_date: Day | None = None
    warranty_end: Day | None = Field(None, description="Computed from the model's warranty when empty.")
    configuration: Text(4000) = ""


class InstalledProductOut(Schema):
    id: int
    customer_id: int
    product_model: ProductModelRef
    serial_number: str
    batch: str
    purchase_date: dt.date | None
    installation_date: dt.date | None
    warranty_end: dt.date | None
    warranty_status: WarrantyStatus = Field(description="Computed from the dates (R-1.2).")
    configuration: str

    @staticmethod
    def resolve_warranty_status(obj: Any) -> str:
        return str(obj.warranty_status())


class SerialFilter(Schema):
    serial: Text(64, min_length=1) = Field(description="Serial number or its beginning.")
