"""The field-service entries' labels for the navigation (web/context_processors.py), translated in
this app's catalogue."""

from django.utils.translation import pgettext_lazy

BOARD = pgettext_lazy("navigation", "Appointment board")
TODAY = pgettext_lazy("navigation", "Today's jobs")
