"""R-13.1: phone numbers and e-mail addresses masked for roles without contact details.

The string rules and the permission check live in the shared kernel so that every app masks the
same way, the outbox page of ``core`` included; ``customers.masking`` builds on them (addresses,
numbers inside free text).
"""

from __future__ import annotations

from typing import Any

MASK = "****"
CONTACT_DETAILS_PERM = "customers.view_contact_details"


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) <= 4:
        return MASK if digits else ""
    if len(digits) >= 11:
        return f"{digits[:3]}{MASK}{digits[-4:]}"
    return f"{MASK}{digits[-4:]}"


def mask_email(email: str) -> str:
    """Keep the first letter and the domain (``z****@example.com``): enough to tell a company
    address from a private one, not enough to write to it."""
    local, at, domain = email.strip().rpartition("@")
    if not at:
        return MASK if domain else ""
    return f"{local[:1]}{MASK}@{domain}"


def may_see_contact_details(user: Any) -> bool:
    return bool(user.has_perm(CONTACT_DETAILS_PERM))


def shown_contact_address(user: Any, address: str) -> str:
    """An e-mail address or phone number (an outbox message's address) as ``user`` may see it."""
    if may_see_contact_details(user):
        return address
    return mask_email(address) if "@" in address else mask_phone(address)
