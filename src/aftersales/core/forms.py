"""Page input parsing for the outbox and inbox pages (their list filters)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.limits import MAX_ID
from aftersales.core.models import OutboxMessage
from aftersales.web.forms import FilterForm


class _PagedByIdForm(FilterForm):
    # Pages by id (keyset): "rows with a smaller id than the previous page's last".
    before = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=MAX_ID)


class OutboxFilterForm(_PagedByIdForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", ""), *OutboxMessage.Status.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", ""), *OutboxMessage.Channel.choices])


class InboxFilterForm(_PagedByIdForm):
    unread = forms.ChoiceField(label=_("Unread"), required=False, choices=[("", ""), ("1", _("Unread"))])
