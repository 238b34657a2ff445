"""The parts app's models, one module per sub-domain (customer property lives in ``property.py``)."""

from aftersales.parts.models.catalogue import Part, Warehouse
from aftersales.parts.models.stock import MoveKind, StockBalance, StockMove, WorkOrderPart

__all__ = ["MoveKind", "Part", "StockBalance", "StockMove", "Warehouse", "WorkOrderPart"]
