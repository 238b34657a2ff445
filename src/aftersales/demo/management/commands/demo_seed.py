"""``manage.py demo_seed``: fill an empty database with the demo data set (see demo/seed.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aftersales.demo import seed as demo


class Command(BaseCommand):
    help = "Fill an empty database with a deterministic demo data set and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing (successfully) when the database already has data."
        )
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Fraction of the full size (1.0: 1,000 work orders)."
        )
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="Random seed (same seed, same data).")

    def handle(self, *args: Any, **options: Any) -> None:
        if demo.database_has_data():
            if options["if_empty"]:
                if options["verbosity"] > 0:
                    self.stdout.write("demo_seed: the database already has data; nothing to do.")
                return
            raise CommandError("The database already has customers or work orders; demo_seed only fills an empty one.")
        if not 0 < options["scale"] <= 10:
            raise CommandError("--scale must be greater than 0 and at most 10.")
        result = demo.seed(scale=options["scale"], seed=options["seed"])
        counts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in result.counts.items())
        self.stdout.write(f"demo_seed: {counts} in {result.seconds:.1f} s.")
        self.stdout.write(f"Demo logins (demo data only), password for all: {demo.DEMO_PASSWORD}")
        for login in result.logins:
            self.stdout.write(f"  {login.username:<12} {login.role:<12} {login.display_name}")
