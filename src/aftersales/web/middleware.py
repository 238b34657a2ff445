"""Chinese first: the page language is the user's explicit choice, else Simplified Chinese.

Django's ``LocaleMiddleware`` also follows the browser's Accept-Language, so a Chinese
company's staff with an English browser would get English pages. SPEC "Cross-cutting" makes
Simplified Chinese the default of every page; English is there for whoever picks it with the
language switcher (which sets the language cookie).
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        language = settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            with contextlib.suppress(LookupError):
                language = translation.get_supported_language_variant(chosen)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
