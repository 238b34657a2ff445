"""Messages of Django itself whose Simplified Chinese translation Django does not ship.

Django 5.2 asks for "...at least %d character." while its zh_Hans catalogue still translates the
older "%(min_length)d" wording, so the password-length error would show in English. Listing the
message here makes ``makemessages`` keep it in the web app's catalogue, which Django consults
before its own. Nothing imports this module.
"""

from django.utils.translation import ngettext_lazy

PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    1,
)
