"""Intake's read of a product (R-2.3, R-13.1): ``installed_product_for_intake`` runs a statement
compiled once per kind of scope (``core.db.Statement``). It must find exactly what
``installed_product_scope`` finds for every role, with the same related objects loaded, and
nothing the actor may not see, however the compiled statements were filled before."""

from __future__ import annotations

import pytest

from aftersales.core.db import Statement
from aftersales.customers.models import InstalledProduct
from aftersales.customers.selectors import installed_product_for_intake, installed_product_scope
from tests.factories import (
    CustomerFactory,
    InstalledProductFactory,
    UserFactory,
    make_work_order,
    portal_user,
)

pytestmark = pytest.mark.django_db


def _orm(actor, pk):
    return (
        installed_product_scope(actor=actor)
        .select_related("customer__region", "customer__category")
        .filter(pk=pk)
        .first()
    )


def _same(found, expected):
    assert (found is None) == (expected is None)
    if found is None:
        return
    for obj, other in (
        (found, expected),
        (found.customer, expected.customer),
        (found.product_model, expected.product_model),
        (found.product_model.product_line, expected.product_model.product_line),
    ):
        for field in type(obj)._meta.concrete_fields:
            assert getattr(obj, field.attname) == getattr(other, field.attname), field.name
    assert found.customer.region == expected.customer.region
    assert found.customer.category == expected.customer.category
    assert not found._state.adding


def test_r13_1_each_role_finds_what_its_scope_finds_and_no_more(django_assert_num_queries):
    agent, technician, quality = UserFactory(role="agent"), UserFactory(role="technician"), UserFactory(role="quality")
    supervisor = UserFactory(role="supervisor")
    mine = InstalledProductFactory(customer=CustomerFactory(), serial_number="SN-MINE")
    theirs = InstalledProductFactory()
    customer = portal_user(mine.customer)
    wo = make_work_order(agent, mine)
    from aftersales.workorders.services import work_order_assign

    work_order_assign(actor=supervisor, work_order_id=wo.pk, assignee_id=technician.pk)
    make_work_order(agent, mine)  # a second work order of the same customer: still one row
    # Each role twice and in turns, so every kind of statement is compiled and then reused.
    for _round in range(2):
        for actor in (agent, customer, technician, quality):
            for product in (mine, theirs):
                found = installed_product_for_intake(actor=actor, installed_product_id=product.pk)
                _same(found, _orm(actor, product.pk))
    assert installed_product_for_intake(actor=customer, installed_product_id=theirs.pk) is None
    assert installed_product_for_intake(actor=technician, installed_product_id=theirs.pk) is None
    assert installed_product_for_intake(actor=technician, installed_product_id=mine.pk).serial_number == "SN-MINE"
    assert installed_product_for_intake(actor=agent, installed_product_id=10**9) is None
    found = installed_product_for_intake(actor=customer, installed_product_id=mine.pk)
    with django_assert_num_queries(0):  # read with it, in the one statement
        assert found.customer.region.name
        assert found.customer.category.name
        assert found.product_model.product_line.name


def test_a_statement_needs_each_marker_once():
    qs = InstalledProduct.objects.filter(pk=-999)
    assert Statement(qs, [-999]).one(-999) is None
    with pytest.raises(ValueError, match="marker"):
        Statement(qs, [-998])
