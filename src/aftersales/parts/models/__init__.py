"""The parts app's models, one module per sub-domain (customer property lives in ``property.py``)."""

from aftersales.parts.models.catalogue import Part, Warehouse
from aftersales.parts.models.imports import PartsImport
from aftersales.parts.models.property import CustodyTransfer, CustomerProperty, PropertyPhoto
from aftersales.parts.models.stock import MoveKind, StockBalance, StockMove, WorkOrderPart

__all__ = [
    "CustodyTransfer",
    "CustomerProperty",
    "MoveKind",
    "Part",
    "PartsImport",
    "PropertyPhoto",
    "StockBalance",
    "StockMove",
    "Warehouse",
    "WorkOrderPart",
]
