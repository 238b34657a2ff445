"""Compile the translation catalogues (.po → .mo) without needing GNU gettext installed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every django.po of LOCALE_PATHS and of our apps into django.mo (pure Python)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        roots = [Path(p) for p in settings.LOCALE_PATHS]
        roots += [Path(app.path) / "locale" for app in apps.get_app_configs() if app.name.startswith("aftersales.")]
        for root in roots:
            for po_path in root.glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                count += 1
        if options["verbosity"] > 1:
            self.stdout.write(f"compiled {count} catalogue(s)")
