"""The menu's labels of the survey pages (kept here so they live in this app's catalogue)."""

from django.utils.translation import pgettext_lazy

SCORES = pgettext_lazy("navigation", "Satisfaction scores")
PHONE_SURVEY = pgettext_lazy("navigation", "Phone survey")
SAMPLES = pgettext_lazy("navigation", "Monthly samples")
MEETINGS = pgettext_lazy("navigation", "Service-quality meetings")
FOLLOW_UP_CALLS = pgettext_lazy("navigation", "Follow-up calls")
