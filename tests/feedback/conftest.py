from __future__ import annotations

from typing import Any

import pytest

from aftersales.catalog.models import ProductModel
from aftersales.customers.models import InstalledProduct
from aftersales.workorders.models import WorkOrder
from tests.factories import CustomerFactory, InstalledProductFactory, ProductModelFactory, UserFactory, make_work_order


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.fixture
def owners(db):
    """One owner per level: a supervisor (level I), the technical department (II), an executive (III)."""
    return {
        "I": UserFactory(role="supervisor", username="region-manager"),
        "II": UserFactory(role="expert", username="tech-dept"),
        "III": UserFactory(role="executive", username="ceo"),
    }


@pytest.fixture
def model(db) -> ProductModel:
    return ProductModelFactory()


def batch_product(model: ProductModel, batch: str = "B2026-11", **kwargs: Any) -> InstalledProduct:
    return InstalledProductFactory(product_model=model, batch=batch, customer=CustomerFactory(), **kwargs)


def report(actor: Any, model: ProductModel, batch: str = "B2026-11", **kwargs: Any) -> WorkOrder:
    """One fault report: a repair work order for a product of ``model`` and ``batch``."""
    return make_work_order(actor, batch_product(model, batch), **kwargs)
