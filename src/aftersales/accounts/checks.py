"""The public demo SECRET_KEY is for the embedded demo only (docs/adr/0005-the-demo-secret-key.md).

Whoever knows the key can forge session cookies and password-reset links, and this one is in the
repository. Two guards:

* ``check --deploy`` reports it as an error (``accounts.E001``), whatever else is set;
* the web application (``aftersales.wsgi``/``asgi``, so gunicorn and ``runserver``) refuses to
  start on it with DEBUG off, unless ``AFTERSALES_DEMO`` says this is the embedded demo —
  ``make run`` and ``make test`` set it. Management commands (migrate, makemigrations, shell) and
  the type checker still load the settings, so a fresh clone keeps working.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

HINT = (
    "Set the SECRET_KEY environment variable to a long random value, e.g. the output of "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`, the same on every web "
    "process and kept secret."
)
REFUSAL = (
    "SECRET_KEY is the public demo key from the source code, and DEBUG is off: anyone could forge "
    "this site's session cookies and password-reset links. " + HINT + " To run the embedded demo "
    "on purpose, set AFTERSALES_DEMO=1 (`make run` does)."
)


def demo_key_in_use() -> bool:
    return bool(settings.SECRET_KEY == settings.DEMO_SECRET_KEY)


@register(Tags.security, deploy=True)
def check_secret_key_is_not_the_demo_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not demo_key_in_use():
        return []
    return [Error("SECRET_KEY is the public demo key from the source code.", hint=HINT, id="accounts.E001")]


def refuse_demo_key() -> None:
    """Called when the web application starts: raise unless the key is safe for how it runs."""
    if demo_key_in_use() and not settings.DEBUG and not settings.AFTERSALES_DEMO:
        raise ImproperlyConfigured(REFUSAL)
