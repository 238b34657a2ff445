from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _chinese_first(settings):  # noqa: PT004
    """Pages and messages default to Simplified Chinese, as for a real user."""
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True, scope="session")
def _huey_immediate():
    """Unit tests run Huey tasks in-process (ARCHITECTURE "Background work"); immediate mode also
    switches Huey to in-memory storage, so no test writes to the worker's queue file."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
