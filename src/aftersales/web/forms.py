"""Form plumbing shared by every page."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import DomainError, NotFound, PermissionDenied
from aftersales.core.limits import MAX_DAY, MIN_DAY, day_in_range
from aftersales.core.pagination import InvalidCursor

FieldT = TypeVar("FieldT", bound=forms.Field)


def service_required(field: FieldT) -> FieldT:
    """A field the service requires, not the form (so every error of a submit shows at once):
    its label gets the red asterisk (``web/form_field.html``) and its input ``aria-required``."""
    field.widget.attrs["aria-required"] = "true"
    return field


def show_domain_error(form: forms.Form, error: DomainError, field_of: Mapping[str, str] | None = None) -> None:
    """Put a service's refusal on the form: each named field's message on that field (a service
    argument ``region_id`` lands on a form field ``region``; ``field_of`` names the others whose
    form field is called differently), anything else on the form."""
    if not error.fields:
        form.add_error(None, str(error.message))
        return
    for name, text in error.fields.items():
        field = (field_of or {}).get(name, name)
        field = field if field in form.fields else field.removesuffix("_id")
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
        # The standard library's escape (the same five characters as Django's, a fifth of the
        # time a call: 500 technicians are 1,000 of them on the board).
        options = "".join(
            f'<option value="{_text(v)}"{" selected" if str(v) == chosen else ""}>{_text(label)}</option>'
            for v, label in self.choices
        )
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(options))  # noqa: S308 — escaped above


def _text(value: Any) -> str:
    return str(value) if isinstance(value, SafeData) else html.escape(str(value))


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


P = TypeVar("P")


class FilterForm(forms.Form):
    """The filters of a list page, read from its query string.

    A bad value (a stale bookmark to a technician who left, a hand-edited URL, a date in year 1)
    is not an error to correct: the list shows without that filter, and the page says which
    ones it ignored (``web/partials/ignored_filters.html``, given the form). Dates and times
    outside ``core.limits`` count as bad. A subclass's ``clean`` calls ``super().clean()``.
    """

    cursor_reset = False
    _ignored: list[str] | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in list(data.items()):
            if isinstance(value, dt.date) and not day_in_range(value):
                self.add_error(
                    name,
                    _("Choose a date from %(first)s to %(last)s.") % {"first": MIN_DAY.year, "last": MAX_DAY.year},
                )
        return data

    def values(self) -> dict[str, Any]:
        """Every filter by field name: its value, or its default when missing or bad (the field's
        initial value, else its empty value: "", [], None)."""
        self.ignored()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned[name] if cleaned.get(name) not in field.empty_values else self._default(name, field)
            for name, field in self.fields.items()
        }

    def _default(self, name: str, field: forms.Field) -> Any:
        try:
            return field.clean(self.get_initial_for_field(field, name))
        except ValidationError:
            return None

    def ignored(self) -> list[str]:
        """The labels of the filters that were given a bad value, so are ignored. Fixed when first
        asked: an error the view puts on the form afterwards (a service's refusal) is no filter
        that was ignored."""
        if self._ignored is None:
            self.is_valid()
            bad = {name for name in self.errors if name in self.fields and self.data.get(self.add_prefix(name))}
            self._ignored = [str(self.fields[name].label or name) for name in self.fields if name in bad]
        return self._ignored

    def page(self, load: Callable[[str | None], P]) -> P:
        """The rows of ``load(cursor)`` at the query string's cursor; a cursor the server did not
        make (forged, truncated, from before an upgrade) gives the first page, and the note says
        so (``cursor_reset``)."""
        cursor = self.data.get("cursor") or None
        try:
            return load(cursor)
        except InvalidCursor:
            self.cursor_reset = True
            return load(None)
