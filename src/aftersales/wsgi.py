import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
application = get_wsgi_application()

# Never serve on the public demo key with DEBUG off, unless this is the demo (accounts/checks.py).
from aftersales.accounts.checks import refuse_demo_key  # noqa: E402 - needs the apps loaded

refuse_demo_key()
