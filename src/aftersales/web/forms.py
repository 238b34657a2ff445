"""Form plumbing shared by every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from aftersales.core.errors import DomainError, NotFound, PermissionDenied

FieldT = TypeVar("FieldT", bound=forms.Field)


def service_required(field: FieldT) -> FieldT:
    """A field the service requires, not the form (so every error of a submit shows at once):
    its label gets the red asterisk (``web/form_field.html``) and its input ``aria-required``."""
    field.widget.attrs["aria-required"] = "true"
    return field


def show_domain_error(form: forms.Form, error: DomainError) -> None:
    """Put a service's refusal on the form: each named field's message on that field (a service
    argument ``region_id`` lands on a form field ``region``), anything else on the form."""
    if not error.fields:
        form.add_error(None, str(error.message))
        return
    for name, text in error.fields.items():
        field = name if name in form.fields else name.removesuffix("_id")
        form.add_error(field if field in form.fields else None, str(text))


class FastSelect(forms.Select):
    """A single select whose options are written in Python.

    Django renders every <option> through a template of its own (about 0.1 ms each); a filter
    with every member of staff as an option then costs more than the list it filters. Flat
    choices only (no option groups).
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = "" if value is None else str(value[0] if isinstance(value, (list, tuple)) and value else value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, mark_safe(" selected") if str(v) == chosen else "", label) for v, label in self.choices),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


T = TypeVar("T")


def submit(form: forms.Form, action: Callable[[], T]) -> T | None:
    """Run ``action`` (one service call) when ``form`` is bound and valid, and return its result.

    A refusal from the service lands on the form and gives None; "not found" and "no
    permission" are not form errors and go on to become the 404 and 403 pages.
    """
    if not form.is_bound or not form.is_valid():
        return None
    try:
        return action()
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        show_domain_error(form, error)
        return None


def form_status(form: forms.Form) -> int:
    """422 for a posted form that comes back with errors, 200 for a fresh one."""
    return 422 if form.is_bound else 200
