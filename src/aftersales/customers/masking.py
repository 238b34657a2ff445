"""R-13.1: personal data masked for roles that do not need it."""

from __future__ import annotations

from typing import Any

MASK = "****"


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) <= 4:
        return MASK if digits else ""
    if len(digits) >= 11:
        return f"{digits[:3]}{MASK}{digits[-4:]}"
    return f"{MASK}{digits[-4:]}"


def mask_address(address: str) -> str:
    """Keep the city/district part so a dispatcher still sees the region, hide the rest."""
    text = address.strip()
    if not text:
        return ""
    return text[: min(6, max(len(text) // 3, 1))] + MASK


def may_see_contact_details(user: Any) -> bool:
    return bool(user.has_perm("customers.view_contact_details"))


def shown_phone(user: Any, phone: str) -> str:
    return phone if may_see_contact_details(user) else mask_phone(phone)


def shown_address(user: Any, address: str) -> str:
    return address if may_see_contact_details(user) else mask_address(address)
