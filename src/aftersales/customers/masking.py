"""R-13.1: personal data masked for roles that do not need it.

Every phone number, e-mail address, postal address and phone-like text a page or the API shows
goes through one ``shown_*`` helper here. Whose data it is (``customer_id``) matters: a portal
user sees their own organisation's contact data as it is, like staff whose role has contact
details; everyone else sees it masked.
"""

from __future__ import annotations

import re
from typing import Any

# The phone rule and the permission check are shared with the other apps (core's outbox page).
from aftersales.core.masking import MASK, mask_email, mask_phone, may_see_contact_details

# A phone or fax number inside free text: 7 or more digits, maybe with a leading +, spaces or
# dashes, not part of a code with letters (a tracking number such as SF1234567890123).
PHONE_IN_TEXT = re.compile(r"(?<![\dA-Za-z])\+?\d(?:[\d\- ]{5,}\d)(?![\dA-Za-z])")


def mask_address(address: str) -> str:
    """Keep the city/district part so a dispatcher still sees the region, hide the rest."""
    text = address.strip()
    if not text:
        return ""
    return text[: min(6, max(len(text) // 3, 1))] + MASK


def mask_phones_in(text: str) -> str:
    """Mask every phone-like number in a short text (the other party of a call, a fax reference)."""

    def masked(match: re.Match[str]) -> str:
        digits = re.sub(r"[^\d]", "", match.group())
        return mask_phone(digits) if len(digits) >= 7 else match.group()

    return PHONE_IN_TEXT.sub(masked, text)


def may_see(user: Any, *, customer_id: int | None = None) -> bool:
    """Whether ``user`` sees the contact data of customer ``customer_id`` unmasked: staff whose
    role has contact details, and a portal user for their own organisation."""
    own = getattr(user, "customer_id", None)
    return (own is not None and own == customer_id) or may_see_contact_details(user)


def shown_phone(user: Any, phone: str, *, customer_id: int | None = None) -> str:
    return phone if may_see(user, customer_id=customer_id) else mask_phone(phone)


def shown_email(user: Any, email: str, *, customer_id: int | None = None) -> str:
    return email if may_see(user, customer_id=customer_id) else mask_email(email)


def shown_address(user: Any, address: str, *, customer_id: int | None = None) -> str:
    return address if may_see(user, customer_id=customer_id) else mask_address(address)


def shown_text(user: Any, text: str, *, customer_id: int | None = None) -> str:
    """A communication's other party or reference, with phone numbers masked (R-13.1)."""
    return text if may_see(user, customer_id=customer_id) else mask_phones_in(text)
