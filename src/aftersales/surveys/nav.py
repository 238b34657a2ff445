"""The menu's labels of the survey pages (kept here so they live in this app's catalogue)."""

from django.utils.translation import pgettext_lazy

SCORES = pgettext_lazy("navigation", "Satisfaction scores")
PHONE_SURVEY = pgettext_lazy("navigation", "Phone survey")
