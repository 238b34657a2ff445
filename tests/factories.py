"""Test objects: master data through factory_boy, work orders through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from aftersales.accounts.models import Team, User
from aftersales.catalog.models import FaultCategory, ProductLine, ProductModel
from aftersales.core.models import Region
from aftersales.customers.models import Contact, Customer, CustomerCategory, InstalledProduct
from aftersales.workorders.models import WorkOrder

PASSWORD = "aftersales-test-pw"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"r{n}")
    name = factory.Sequence(lambda n: f"华东{n}区")


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"服务{n}组")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"员工{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    phone = factory.Sequence(lambda n: f"1380000{n:04d}")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        self.set_password(PASSWORD)
        self.save()
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))


class CustomerCategoryFactory(DjangoModelFactory):
    class Meta:
        model = CustomerCategory
        django_get_or_create = ("code",)

    code = "household"
    name = "家庭用户"


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"T{n:07d}")
    name = factory.Sequence(lambda n: f"张伟{n}")
    kind = Customer.Kind.PERSON
    phone = factory.Sequence(lambda n: f"1391234{n:04d}")
    address = "上海市浦东新区张江路88号3栋1201室"
    category = factory.SubFactory(CustomerCategoryFactory)
    region = factory.SubFactory(RegionFactory)
    service_preferences = "家中有老人，请上午上门"


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = "李娜"
    phone = "13900001111"
    is_primary = True


class ProductLineFactory(DjangoModelFactory):
    class Meta:
        model = ProductLine
        django_get_or_create = ("code",)

    code = "ac"
    name = "空调"


class ProductModelFactory(DjangoModelFactory):
    class Meta:
        model = ProductModel

    product_line = factory.SubFactory(ProductLineFactory)
    code = factory.Sequence(lambda n: f"KFR-{35 + n}GW")
    name = "变频挂机"
    warranty_months = 36


class FaultCategoryFactory(DjangoModelFactory):
    class Meta:
        model = FaultCategory

    code = factory.Sequence(lambda n: f"fault{n}")
    name = "不制冷"
    default_priority = "P2"
    product_line = factory.SubFactory(ProductLineFactory)


class InstalledProductFactory(DjangoModelFactory):
    class Meta:
        model = InstalledProduct

    customer = factory.SubFactory(CustomerFactory)
    product_model = factory.SubFactory(ProductModelFactory)
    serial_number = factory.Sequence(lambda n: f"SN2026{n:08d}")
    batch = "B2026-03"
    purchase_date = dt.date(2025, 6, 1)
    installation_date = dt.date(2025, 6, 3)
    warranty_end = dt.date(2028, 6, 2)


def portal_user(customer: Customer, **kwargs: Any) -> User:
    user = UserFactory(role="customer", **kwargs)
    user.customer = customer
    user.save()
    return user


def make_work_order(actor: User, product: InstalledProduct | None = None, **kwargs: Any) -> WorkOrder:
    """A work order through the real intake service."""
    from aftersales.workorders.services import work_order_create

    product = product or InstalledProductFactory()
    values: dict[str, Any] = {
        "customer_id": product.customer_id,
        "installed_product_id": product.pk,
        "channel": "phone",
        "symptom": "空调开机后不制冷，外机有异响",
        "service_type": "repair",
        "priority": "P2",
    }
    values.update(kwargs)
    return work_order_create(actor=actor, **values)


# ---- spare parts: master data by factory; stock only through parts.services -------------


class PartFactory(DjangoModelFactory):
    class Meta:
        model = "parts.Part"

    code = factory.Sequence(lambda n: f"P-{n:05d}")
    name = factory.Sequence(lambda n: f"压缩机电容{n}")
    certified = True
    unit_cost = "80.00"
    customer_price = "120.00"


class WarehouseFactory(DjangoModelFactory):
    class Meta:
        model = "parts.Warehouse"

    code = factory.Sequence(lambda n: f"WH{n:03d}")
    name = factory.Sequence(lambda n: f"仓库{n}")
    kind = "central"


def stock_in(part: Any, warehouse: Any, quantity: int, *, minimum: int | None = None) -> None:
    """Receive ``quantity`` through the real service (as an administrator), then set the minimum."""
    from aftersales.parts.services import stock_minimum_set, stock_receive

    admin = User.objects.filter(username="parts-admin").first() or UserFactory(username="parts-admin", role="admin")
    stock_receive(actor=admin, part_id=part.pk, warehouse_id=warehouse.pk, quantity=quantity)
    if minimum is not None:
        stock_minimum_set(actor=admin, part_id=part.pk, warehouse_id=warehouse.pk, minimum=minimum)
