"""Export of stock to an Excel workbook (R-7.1, R-12.3), with its permission and an access-log row
(R-13.2: every export is logged — who, what, when).

The figures are the balance rows (never a sum of the ledger), of the warehouses the actor sees
(``parts.selectors.warehouse_scope``), written in openpyxl's streaming mode so a large export
does not hold the whole workbook in memory.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.core.errors import PermissionDenied
from aftersales.parts.models import StockBalance
from aftersales.parts.selectors import warehouse_get, warehouse_scope

PERM_EXPORT = "parts.export_stock"


def may_export(actor: Any) -> bool:
    return (
        bool(getattr(actor, "is_authenticated", False))
        and not getattr(actor, "is_customer_user", True)
        and actor.has_perm(PERM_EXPORT)
    )


def _headers() -> list[str]:
    return [
        str(h)
        for h in (
            _("Warehouse code"),
            _("Warehouse"),
            _("Part number"),
            _("Name"),
            _("Specification"),
            _("Unit"),
            _("On hand"),
            _("Reserved"),
            _("Available"),
            _("Minimum level"),
            _("Below minimum"),
            _("Unit cost"),
            _("Stock value"),
        )
    ]


def stock_export(*, actor: Any, warehouse_id: int | None = None, now: dt.datetime | None = None) -> tuple[str, bytes]:
    """The workbook (its file name and bytes) of the stock of one warehouse or of every warehouse
    the actor sees; refused without ``parts.export_stock``. The export is logged."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if not may_export(actor):
        raise PermissionDenied()
    warehouse = warehouse_get(actor=actor, warehouse_id=warehouse_id) if warehouse_id is not None else None
    qs = StockBalance.objects.filter(warehouse__in=warehouse_scope(actor=actor))
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    rows = (
        qs.order_by("warehouse__kind", "warehouse__code", "part__code")
        .values_list(
            "warehouse__code",
            "warehouse__name",
            "part__code",
            "part__name",
            "part__specification",
            "part__unit",
            "on_hand",
            "reserved",
            "minimum",
            "below_minimum",
            "part__unit_cost",
        )
        .iterator(chunk_size=2000)
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(_("Stock")))
    bold = Font(bold=True)
    header = []
    for title in _headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    yes, no = str(_("yes")), str(_("no"))
    count = 0
    for wh_code, wh_name, code, name, spec, unit, on_hand, reserved, minimum, below, cost in rows:
        sheet.append(
            [wh_code, wh_name, code, name, spec, unit, on_hand, reserved, on_hand - reserved, minimum,
             yes if below else no, cost, cost * on_hand]
        )  # fmt: skip
        count += 1
    out = io.BytesIO()
    book.save(out)
    local = timezone.localtime(now or timezone.now())
    scope = warehouse.code if warehouse is not None else str(_("all warehouses"))
    record(
        actor=actor,
        action="export",
        object_type="stockbalance",
        object_id=warehouse.pk if warehouse is not None else "",
        object_repr=str(_("Stock of %(scope)s") % {"scope": scope}),
        detail={"rows": count, "format": "xlsx", "warehouse": warehouse.pk if warehouse is not None else None},
    )
    name = f"{_('stock')}-{scope}-{local:%Y%m%d-%H%M}.xlsx"
    return name, out.getvalue()
