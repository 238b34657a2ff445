"""Benchmark: working-hours deadlines on the 2026 China working calendar (R-4).

Sets up Django against a throw-away SQLite database, migrates, seeds 2026, then computes
working-hours deadlines for 100,000 random starts in 2026 (random durations up to 40 working
hours) and prints the median microseconds per call over several rounds (warm cache).

    .venv/bin/python bench/sla_deadline.py [--rounds 7] [--calls 100000]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="sla-bench-")
    os.environ["DATA_DIR"] = tmp
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    sys.path.insert(0, str(ROOT / "src"))

    import django

    django.setup()
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.core.management import call_command

    from aftersales.sla.clocks import Clock, add_duration
    from aftersales.sla.services import calendar_seed_years

    call_command("migrate", verbosity=0)
    calendar_seed_years(years=[2026])

    tz = ZoneInfo("Asia/Shanghai")
    rng = random.Random(args.seed)
    year_start = dt.datetime(2026, 1, 1, tzinfo=tz)
    span = 365 * 86_400
    starts = [year_start + dt.timedelta(seconds=rng.randrange(span)) for _ in range(args.calls)]
    durations = [rng.randrange(60, 40 * 3600) for _ in range(args.calls)]
    work = list(zip(starts, durations, strict=True))
    clock = Clock.WORKING_HOURS

    for start, seconds in work[:5000]:  # warm-up: builds 2026 (and 2027) once
        add_duration(start, seconds, clock)

    # The 200,000 input objects are set-up, not work: keep the cyclic GC from re-scanning them.
    gc.collect()
    gc.freeze()
    per_call, cpu_per_call = [], []
    for _ in range(args.rounds):
        t0, c0 = time.perf_counter_ns(), time.process_time_ns()
        for start, seconds in work:
            add_duration(start, seconds, clock)
        per_call.append((time.perf_counter_ns() - t0) / len(work) / 1000)
        cpu_per_call.append((time.process_time_ns() - c0) / len(work) / 1000)

    # Also the median of single-call timings in one round (includes ~0.1 µs of timer overhead).
    single = []
    for start, seconds in work:
        t0 = time.perf_counter_ns()
        add_duration(start, seconds, clock)
        single.append(time.perf_counter_ns() - t0)

    print("command:", shlex.join([Path(sys.executable).as_posix(), *sys.argv]))
    print(f"calls per round: {len(work)}, rounds: {args.rounds}")
    print("µs per call by round:", ", ".join(f"{v:.2f}" for v in per_call))
    print(f"median of rounds: {statistics.median(per_call):.2f} µs per call (wall clock)")
    print(
        f"median of rounds: {statistics.median(cpu_per_call):.2f} µs per call (CPU time; ignores time other processes took)"
    )
    print(f"median single call: {statistics.median(single) / 1000:.2f} µs")


if __name__ == "__main__":
    main()
