"""Property-based run of every operation in /api/v1/openapi.json (schemathesis, in-process WSGI).

Checks: no 5xx, every response matches its documented schema, every status code is
documented. A supervisor's Bearer token is sent, and a few objects are seeded with the first
ids (1, ...) so that the generated ids that hit them reach the handlers, not only the 404s;
the lifecycle actions then move work order 1 through its states during the run.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.management.color import no_style
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from aftersales.accounts.models import User
from aftersales.accounts.services import api_token_create
from aftersales.catalog.models import FaultCategory, ProductLine, ProductModel
from aftersales.customers.models import Contact, Customer, CustomerCategory, InstalledProduct
from aftersales.workorders.models import Communication, WorkOrder, WorkOrderEvent
from aftersales.workorders.services import communication_record
from aftersales.wsgi import application
from tests.factories import ContactFactory, FaultCategoryFactory, InstalledProductFactory, UserFactory
from tests.factories import make_work_order as create_work_order

SEEDED = [
    User,
    Customer,
    CustomerCategory,
    Contact,
    ProductLine,
    ProductModel,
    FaultCategory,
    InstalledProduct,
    WorkOrder,
]
SEEDED += [WorkOrderEvent, Communication]


@pytest.fixture
def _keep_connection():
    """The WSGI handler closes the connection after each request, which would drop the test's
    transaction; django.test.Client turns that off in the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db, _keep_connection):
    """Seed the first ids and answer a supervisor's ``Authorization`` header."""
    # PostgreSQL sequences survive the rollbacks of earlier tests; start them again so the
    # seeded rows get the small ids that the generated cases hit.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), SEEDED):
            cursor.execute(sql)
    supervisor = UserFactory(role="supervisor")
    UserFactory(role="technician")
    product = InstalledProductFactory()
    ContactFactory(customer=product.customer)
    FaultCategoryFactory(product_line=product.product_model.product_line)
    wo = create_work_order(supervisor, product)
    communication_record(actor=supervisor, work_order_id=wo.pk, kind="call", direction="in", summary="客户来电")
    _token, raw = api_token_create(actor=supervisor, name="schemathesis")
    return {"Authorization": f"Bearer {raw}"}


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case, bearer):
    """R-3.1 / ARCHITECTURE: bad input is a documented 4xx, never a 5xx; bodies match the schema."""
    case.call_and_validate(
        headers=bearer, checks=[not_a_server_error, response_schema_conformance, status_code_conformance]
    )
