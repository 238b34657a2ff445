"""Render Django form fields with Bootstrap 5 classes, so every page's forms look the same.

    {% load web_forms %}
    {{ form.name|bs_widget }}                 the widget with the class Bootstrap expects
    {{ form.name|bs_widget:"form-control-lg" }}  the same with extra classes
    {{ form.name|add_class:"form-control-lg" }}  the widget with extra classes
    {{ form.name|widget_kind }}               "checkbox", "radio", "select", "file", "hidden" or "input"

Most templates only need ``{% include "web/form_field.html" with field=form.name %}``.
"""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()


def _kind(widget: forms.Widget) -> str:
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "radio"
    if isinstance(widget, forms.Select):  # includes SelectMultiple, NullBooleanSelect
        return "select"
    if isinstance(widget, forms.FileInput):  # includes ClearableFileInput
        return "file"
    return "input"


_BOOTSTRAP_CLASS = {
    "checkbox": "form-check-input",
    "radio": "form-check-input",
    "select": "form-select",
    "file": "form-control",
    "input": "form-control",
    "hidden": "",
}


def _render(field: BoundField, extra: str) -> SafeString:
    existing = field.field.widget.attrs.get("class", "")
    classes = " ".join(dict.fromkeys(f"{existing} {extra}".split()))  # keep order, drop duplicates
    attrs: dict[str, str | bool] = {"class": classes} if classes else {}
    return field.as_widget(attrs=attrs)


@register.filter
def add_class(field: BoundField, css: str) -> SafeString | BoundField:
    """The widget with ``css`` added to its class attribute (and ``is-invalid`` on errors)."""
    if not isinstance(field, BoundField):
        return field
    invalid = " is-invalid" if field.errors else ""
    return _render(field, f"{css}{invalid}")


@register.filter
def bs_widget(field: BoundField, extra: str = "") -> SafeString | BoundField:
    """The widget with the Bootstrap class for its kind (form-control, form-select, ...).

    ``{{ field|bs_widget:"form-control-lg" }}`` adds more classes.
    """
    if not isinstance(field, BoundField):
        return field
    return add_class(field, f"{_BOOTSTRAP_CLASS[_kind(field.field.widget)]} {extra or ''}".strip())


@register.filter
def widget_kind(field: BoundField) -> str:
    if not isinstance(field, BoundField):
        return ""
    return _kind(field.field.widget)


@register.filter
def is_required(field: BoundField) -> bool:
    """Required by the form, or by the service behind it (``web.forms.service_required``)."""
    if not isinstance(field, BoundField):
        return False
    return bool(field.field.required or field.field.widget.attrs.get("aria-required") == "true")
