"""Form plumbing shared by every page."""

from __future__ import annotations

from django import forms

from aftersales.core.errors import DomainError


def show_domain_error(form: forms.Form, error: DomainError) -> None:
    """Put a service's refusal on the form: each named field's message on that field (a service
    argument ``region_id`` lands on a form field ``region``), anything else on the form."""
    if not error.fields:
        form.add_error(None, str(error.message))
        return
    for name, text in error.fields.items():
        field = name if name in form.fields else name.removesuffix("_id")
        form.add_error(field if field in form.fields else None, str(text))
