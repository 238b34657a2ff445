"""Error codes of dispatch (STYLE.md rule 5: tests assert codes)."""

from __future__ import annotations

from enum import StrEnum


class DispatchErrorCode(StrEnum):
    NOT_PROPOSABLE = "technician_not_eligible"
    SENIOR_REQUIRED = "senior_required"
