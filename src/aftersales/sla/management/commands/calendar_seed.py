"""``manage.py calendar_seed 2026 [2027 ...]`` or ``--known``: official days from chinese_calendar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aftersales.core.errors import DomainError
from aftersales.sla.official import PACKAGE_VERSION, known_years
from aftersales.sla.services import calendar_seed_years


class Command(BaseCommand):
    help = (
        "Seed the official China working calendar (holidays on weekdays, make-up working days on weekends) "
        "from the chinese_calendar package. Years already seeded by this package version are skipped; "
        "administrator exceptions are never changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("years", nargs="*", type=int, help="years to seed, e.g. 2026")
        parser.add_argument("--known", action="store_true", help="every year the installed package knows")
        parser.add_argument("--refresh", action="store_true", help="rewrite the official days even if already seeded")

    def handle(self, *args: Any, **options: Any) -> None:
        years = set(options["years"])
        if options["known"]:
            years.update(known_years())
        if not years:
            raise CommandError("Give one or more years, or --known.")
        try:
            result = calendar_seed_years(years=years, refresh=options["refresh"])
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message} {exc.fields}") from exc
        if options["verbosity"] >= 1:
            written = [year for year, done in result.items() if done]
            skipped = [year for year, done in result.items() if not done]
            self.stdout.write(
                f"chinese_calendar {PACKAGE_VERSION}: seeded {_years(written)}; already seeded {_years(skipped)}"
            )


def _years(years: list[int]) -> str:
    return ", ".join(str(year) for year in years) or "none"
