from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _chinese_first(settings):  # noqa: PT004
    """Pages and messages default to Simplified Chinese, as for a real user."""
    settings.LANGUAGE_CODE = "zh-hans"
