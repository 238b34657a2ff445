"""The OpenAPI document tells the truth about what the server accepts (SPEC cross-cutting: "REST
API with an OpenAPI description").

ninja puts every schema and enum into one namespace of components by its class name, and a
second class of the same name silently replaces the first: ``CustomerIn.kind`` was documented
with the communication kinds (``call``, ``fax``, …) because ``Customer.Kind`` and
``Communication.Kind`` are both ``Kind``. So: no two classes share a component name, every enum
of the document is the set its field validates, and every enum of an input is exactly what the
model field or the service accepts.
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
import typing

import pytest
from django.apps import apps
from pydantic import BaseModel

from aftersales.api.main import api
from aftersales.customers.models import Customer
from aftersales.feedback.models import Complaint, Incident, Opinion, QualityFeedback
from aftersales.fieldservice.models import Appointment, Visit
from aftersales.parts.models import CustomerProperty, MoveKind, Warehouse
from aftersales.repairs.models import Accessory, AgreementChannel, Inspection, Shipment
from aftersales.repairs.states import Status as RepairStatus
from aftersales.sla.models import SlaExtension, TargetKind
from aftersales.sla.selectors import COMPLIANCE_DIMENSIONS, OUTCOMES
from aftersales.workorders import selectors as work_order_selectors
from aftersales.workorders import services as work_order_services
from aftersales.workorders.models import Communication, WorkOrder


def _choices(model, field: str) -> set[str]:
    return {value for value, _label in model._meta.get_field(field).choices}


# What the server accepts for each enum of an input schema: the model field's choices or the
# service's own set. A new enum field of an input fails test_every_input_enum_is_covered until
# it is added here.
SERVER_ACCEPTS = {
    "CustomerIn.kind": _choices(Customer, "kind"),
    "CustomerPatch.kind": _choices(Customer, "kind"),
    "CustomerIn.notification_channel": _choices(Customer, "notification_channel"),
    "CustomerPatch.notification_channel": _choices(Customer, "notification_channel"),
    "WorkOrderIn.channel": _choices(WorkOrder, "channel"),
    "WorkOrderIn.service_type": _choices(WorkOrder, "service_type"),
    "WorkOrderIn.priority": _choices(WorkOrder, "priority"),
    "WorkOrderIn.colour": _choices(WorkOrder, "colour"),
    "WorkOrderFilter.status": _choices(WorkOrder, "status"),
    "WorkOrderFilter.priority": _choices(WorkOrder, "priority"),
    "WorkOrderFilter.service_type": _choices(WorkOrder, "service_type"),
    "WorkOrderFilter.colour": _choices(WorkOrder, "colour"),
    "WorkOrderFilter.sort": {f"{sign}{name}" for name in work_order_selectors.SORTS for sign in ("", "-")},
    "WorkOrderFilter.target_kind": set(TargetKind.values),  # the compliance figures' links (R-4.7)
    "WorkOrderFilter.target_outcome": set(OUTCOMES),
    "StartIn.mode": _choices(WorkOrder, "handling_mode"),
    "WaitIn.on": set(work_order_services.WAIT_ON),
    "PriorityIn.priority": _choices(WorkOrder, "priority"),
    "CommunicationIn.kind": _choices(Communication, "kind"),
    "CommunicationIn.direction": _choices(Communication, "direction"),
    "CustomerCommunicationIn.kind": _choices(Communication, "kind"),
    "CustomerCommunicationIn.direction": _choices(Communication, "direction"),
    "ExtendIn.channel": _choices(SlaExtension, "channel"),
    "ComplianceQuery.by": set(COMPLIANCE_DIMENSIONS),
    "PropertyFilter.status": _choices(CustomerProperty, "status"),  # customer property
    # parts (R-7): the moves a client may post; the others are the services' own
    "WarehouseIn.kind": set(Warehouse.Kind.values),
    "StockMoveIn.kind": {MoveKind.RECEIPT, MoveKind.ADJUSTMENT, "transfer"},
    # repairs and shipments
    "RepairListQuery.status": set(RepairStatus.values),
    "ReceiveIn.accessories": set(Accessory.values),
    "InspectIn.result": set(Inspection.Result.values),
    "AgreementIn.channel": set(AgreementChannel.values),
    "ShipIn.carrier": set(Shipment.Carrier.values),
    "ShipmentIn.carrier": set(Shipment.Carrier.values),
    "ShipmentIn.contents": set(Shipment.Contents.values),
    # complaints, quality feedback, opinions, incidents
    "IncidentQuery.status": {"", *Incident.Status.values},
    "ComplaintIn.about": set(Complaint.About.values),
    "ComplaintIn.mood": set(Complaint.Mood.values),
    "HandleIn.agreed_how": {"", *Complaint.AgreedHow.values},
    "QualityIn.frequency": set(QualityFeedback.Frequency.values),
    "QualityStepIn.step": {"analyse", "act", "verify", "close"},
    "OpinionIn.kind": set(Opinion.Kind.values),
    "OpinionIn.department": set(Opinion.Department.values),
    # Field service: appointments and visits.
    "AppointmentIn.agreed_via": _choices(Appointment, "agreed_via"),
    "RescheduleIn.agreed_via": _choices(Appointment, "agreed_via"),
    "CancelIn.agreed_via": _choices(Appointment, "agreed_via"),
    "AppointmentListQuery.status": _choices(Appointment, "status"),
    "CheckInIn.kind": _choices(Visit, "kind"),
    "VisitListQuery.status": _choices(Visit, "status"),
}
INPUT_SUFFIXES = ("In", "Patch", "Filter", "Query")


@pytest.fixture(scope="module")
def doc():
    return api.get_openapi_schema()


def _api_classes() -> list[type[BaseModel]]:
    """Every pydantic class of the API modules (``<app>.schemas`` and ``<app>.api``, and an app's
    sub-domain ones such as ``parts.property_schemas`` / ``parts.property_api``)."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("aftersales."):
            continue
        names = [m.name for m in pkgutil.iter_modules(config.module.__path__)]
        for part in sorted({"schemas", "api"} | {n for n in names if n.endswith(("_schemas", "_api"))}):
            try:
                module = importlib.import_module(f"{config.name}.{part}")
            except ModuleNotFoundError:
                continue
            found += [
                v
                for v in vars(module).values()
                if isinstance(v, type) and issubclass(v, BaseModel) and v.__module__ == module.__name__
            ]
    return found


def _named(annotation, seen: dict[str, set[type]]) -> None:
    """Collect every model and enum class an annotation reaches, by the name it gets."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        seen.setdefault(annotation.__name__, set()).add(annotation)
        return
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        known = annotation in seen.get(annotation.__name__, set())
        seen.setdefault(annotation.__name__, set()).add(annotation)
        if not known:
            for field in annotation.model_fields.values():
                _named(field.annotation, seen)
        return
    for arg in typing.get_args(annotation):
        _named(arg, seen)


def _by_name() -> dict[str, set[type]]:
    seen: dict[str, set[type]] = {}
    for cls in _api_classes():
        _named(cls, seen)
    return seen


def test_no_two_schemas_or_enums_share_a_component_name(doc):
    shared = {
        name: sorted(c.__qualname__ + " in " + c.__module__ for c in classes)
        for name, classes in _by_name().items()
        if len(classes) > 1
    }
    assert shared == {}
    assert "Kind" not in doc["components"]["schemas"]


def _doc_values(schema: dict, components: dict) -> set:
    """The enum values a property's schema allows (through $ref, items, anyOf, allOf)."""
    values = set(schema.get("enum", [])) | ({schema["const"]} if "const" in schema else set())
    if "$ref" in schema:
        values |= _doc_values(components[schema["$ref"].rsplit("/", 1)[1]], components)
    if "items" in schema:
        values |= _doc_values(schema["items"], components)
    for part in (*schema.get("anyOf", []), *schema.get("allOf", [])):
        values |= _doc_values(part, components)
    return values


def _runtime_values(annotation) -> set:
    """The values an annotation's enums and literals allow (what validation really accepts)."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return {member.value for member in annotation}
    if typing.get_origin(annotation) is typing.Literal:
        return set(typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return set()
    return set().union(*(_runtime_values(arg) for arg in typing.get_args(annotation)))


def _enum_properties(doc):
    """(component, property, documented values, the class) for every enum-typed property."""
    components = doc["components"]["schemas"]
    classes = {name: next(iter(found)) for name, found in _by_name().items()}
    for name, schema in components.items():
        for prop, prop_schema in schema.get("properties", {}).items():
            values = _doc_values(prop_schema, components)
            if values:
                yield name, prop, values, classes[name]


def test_every_enum_of_the_document_is_what_its_field_validates(doc):
    wrong = {}
    for name, prop, values, cls in _enum_properties(doc):
        field = next(f for key, f in cls.model_fields.items() if (f.alias or key) == prop)
        accepted = _runtime_values(field.annotation)
        if values != accepted:
            wrong[f"{name}.{prop}"] = {"documented": sorted(values), "validated": sorted(accepted)}
    assert wrong == {}


def test_every_input_enum_is_what_the_server_accepts(doc):
    inputs = {
        f"{name}.{prop}": values for name, prop, values, _cls in _enum_properties(doc) if name.endswith(INPUT_SUFFIXES)
    }
    assert set(inputs) == set(SERVER_ACCEPTS), "add the server's set of a new enum field to SERVER_ACCEPTS"
    wrong = {
        key: {"documented": sorted(v), "server": sorted(SERVER_ACCEPTS[key])}
        for key, v in inputs.items()
        if v != SERVER_ACCEPTS[key]
    }
    assert wrong == {}


def test_request_bodies_are_input_schemas(doc):
    """Keeps INPUT_SUFFIXES honest: every request body is named as an input."""
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            refs = [
                part["$ref"]
                for part in [
                    content.get("schema", {}),
                    *content.get("schema", {}).get("anyOf", []),
                    *content.get("schema", {}).get("allOf", []),
                ]
                if "$ref" in part
            ]
            for ref in refs:
                assert ref.rsplit("/", 1)[1].endswith(INPUT_SUFFIXES), (method, path, ref)


def test_customer_kind_is_documented_with_the_customer_kinds(doc):
    components = doc["components"]["schemas"]
    assert _doc_values(components["CustomerIn"]["properties"]["kind"], components) == {"person", "organisation"}
