from __future__ import annotations

import pytest
from django.db import transaction

from aftersales.core.models import OutboxMessage
from aftersales.core.outbox import outbox_enqueue
from tests.factories import UserFactory


@pytest.fixture
def no_prompt_delivery(monkeypatch):
    """Keep messages pending after commit, so a test decides when delivery runs (in immediate
    mode the after-commit task would otherwise deliver at once)."""
    monkeypatch.setattr("aftersales.core.outbox._enqueue_delivery", lambda: None)


@pytest.fixture
def enqueue():
    """Write messages through the real service, in a transaction of their own."""

    def make(n: int = 1, **kwargs) -> list[OutboxMessage]:
        values = {"channel": "sms", "address": "13800000000", "subject": "", "body": "您的工单已受理"}
        values.update(kwargs)
        with transaction.atomic():
            return [
                outbox_enqueue(**{**values, "address": values["address"] if n == 1 else f"1380000{i:04d}"})
                for i in range(n)
            ]

    return make


@pytest.fixture
def supervisor():
    return UserFactory(role="supervisor")


@pytest.fixture
def technician():
    return UserFactory(role="technician")
