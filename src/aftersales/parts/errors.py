"""Machine codes of the parts app's refusals (clients switch on these, not on the text)."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import DomainError


class PartsError(StrEnum):
    INSUFFICIENT_STOCK = "insufficient_stock"
    PART_NOT_CERTIFIED = "part_not_certified"
    PART_INACTIVE = "part_inactive"
    WAREHOUSE_INACTIVE = "warehouse_inactive"
    WORK_ORDER_CLOSED = "work_order_closed"
    LINE_NOT_RESERVED = "part_line_not_reserved"


class InsufficientStock(DomainError):
    """Fewer units are available than asked for; ``available`` says how many there are."""

    status = 409

    def __init__(self, *, available: int, requested: int) -> None:
        super().__init__(
            PartsError.INSUFFICIENT_STOCK,
            _("Only %(available)d available, %(requested)d asked for.")
            % {"available": available, "requested": requested},
            {"quantity": _("Only %(available)d available.") % {"available": available}},
        )
        self.available = available
        self.requested = requested

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "available": self.available}
