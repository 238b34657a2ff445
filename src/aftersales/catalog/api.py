"""Catalogue endpoints: what intake needs to pick a model, a fault category and its questions."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from aftersales.api.schemas import responses
from aftersales.catalog import selectors
from aftersales.catalog.schemas import (
    FaultCategoryFilter,
    FaultCategoryOut,
    ProductLineOut,
    ProductModelFilter,
    ProductModelOut,
)

router = Router(tags=["catalog"])


@router.get("/product-lines", response=responses({200: list[ProductLineOut]}))
def product_line_list(request: HttpRequest) -> Any:
    return selectors.product_line_list()


@router.get("/product-models", response=responses({200: list[ProductModelOut]}))
def product_model_list(request: HttpRequest, filters: Query[ProductModelFilter]) -> Any:
    return selectors.product_model_list(
        product_line_id=filters.product_line_id, q=filters.q, include_inactive=filters.include_inactive
    )


@router.get("/fault-categories", response=responses({200: list[FaultCategoryOut]}))
def fault_category_list(request: HttpRequest, filters: Query[FaultCategoryFilter]) -> Any:
    return selectors.fault_category_list(product_line_id=filters.product_line_id)
