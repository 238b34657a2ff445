"""Reads of the catalogue. Master data, not confidential: any signed-in user may read it."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from aftersales.catalog.models import FaultCategory, GuidedQuestion, ProductLine, ProductModel


def product_line_list() -> QuerySet[ProductLine]:
    return ProductLine.objects.order_by("code")


def product_model_list(
    *, product_line_id: int | None = None, q: str = "", include_inactive: bool = False
) -> QuerySet[ProductModel]:
    qs = ProductModel.objects.select_related("product_line").order_by("code")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if product_line_id is not None:
        qs = qs.filter(product_line_id=product_line_id)
    q = q.strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__contains=q))
    return qs


def fault_category_list(*, product_line_id: int | None = None) -> QuerySet[FaultCategory]:
    """With their guided questions (R-2.3), in two queries whatever the number of categories."""
    qs = FaultCategory.objects.prefetch_related(
        Prefetch("questions", queryset=GuidedQuestion.objects.order_by("position", "id"))
    )
    if product_line_id is not None:
        qs = qs.filter(Q(product_line_id=product_line_id) | Q(product_line__isnull=True))
    return qs.order_by("code")
