"""Error codes of the customer archive (STYLE rule 5)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import DomainError


class CustomerErrorCode(StrEnum):
    DUPLICATE = "duplicate_customer"


class DuplicateCustomer(DomainError):
    """R-1.1: a new customer looks like one already in the archive (the same phone number, or
    the same name spaces and case aside). The caller shows ``matches`` and may create anyway by
    confirming (``confirm_duplicate``). The API answers 409 with the matches beside the usual
    ``code``/``message``/``fields``."""

    status = 409

    def __init__(self, matches: Sequence[dict[str, Any]]) -> None:
        fields = {}
        if any(match["reason"] == "phone" for match in matches):
            fields["phone"] = _("A customer with this phone number already exists.")
        if any(match["reason"] == "name" for match in matches):
            fields["name"] = _("A customer with this name already exists.")
        super().__init__(
            CustomerErrorCode.DUPLICATE,
            _("This customer may already exist. Use the existing customer, or confirm to create a new one."),
            fields,
        )
        self.matches = list(matches)

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "matches": self.matches}
