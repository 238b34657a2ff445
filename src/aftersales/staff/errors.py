"""Error codes of staff profiles and certifications (STYLE.md rule 5: tests assert codes)."""

from __future__ import annotations

from enum import StrEnum


class StaffErrorCode(StrEnum):
    CERTIFICATION_MISSING = "certification_missing"
    CERTIFICATION_EXPIRED = "certification_expired"
    PROFILE_EXISTS = "staff_profile_exists"
    CERTIFICATION_EXISTS = "certification_exists"
