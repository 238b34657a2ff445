"""The service report's PDF (R-6.4): one A4 report with 4 photos (phone-sized, 4000×3000 before
resizing) and a drawn signature, rendered by WeasyPrint (aim: under 1.5 s median).

    [DATA_DIR=…] .venv/bin/python bench/visit_report_bench.py [--runs 7]

Migrates its own SQLite database in DATA_DIR (kept for the next run), records one visit through
the services (check-in, notes, one part-free report, 2 photos before and 2 after, signature),
then times ``visit_files.report_pdf`` and prints the medians (wall and CPU) and the command.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
os.environ.setdefault("DATA_DIR", str(ROOT / ".bench-data" / "visit-report"))
AIM_S = 1.5


def photo(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (4000, 3000), (40 + seed * 30, 90, 140))
    draw = ImageDraw.Draw(picture)
    for i in range(0, 4000, 80):
        draw.line([(i, 0), (4000 - i, 3000)], fill=(255, 255 - seed * 40, i % 255), width=9)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    Path(os.environ["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.utils import translation

    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import Group

    from aftersales.accounts.models import User
    from aftersales.fieldservice import visit_demo, visit_files
    from aftersales.fieldservice import visit_services as vs
    from aftersales.fieldservice.models import Visit
    from aftersales.workorders.models import WorkOrder

    visit = Visit.objects.filter(status="signed").first()
    if visit is None:
        from tests.factories import make_work_order  # the suite's factories: real intake service

        agent = User.objects.create(username="bench-agent")
        agent.groups.add(Group.objects.get(name="agent"))
        tech = User.objects.create(username="bench-tech", display_name="工程师 张伟")
        tech.groups.add(Group.objects.get(name="technician"))
        agent, tech = User.objects.get(pk=agent.pk), User.objects.get(pk=tech.pk)
        wo = make_work_order(agent)
        WorkOrder.objects.filter(pk=wo.pk).update(assignee=tech, status="in_progress")
        visit = vs.visit_check_in(actor=tech, work_order_id=wo.pk)
        notes = visit_demo.NOTES[0]
        vs.visit_record(
            actor=tech,
            visit_id=visit.pk,
            data=dict(zip(("diagnosis", "work_done", "test_result", "advice"), notes, strict=True)),
        )
        for i, stage in enumerate(("before", "before", "after", "after")):
            upload = SimpleUploadedFile(f"p{i}.jpg", photo(i), content_type="image/jpeg")
            vs.visit_photo_add(actor=tech, visit_id=visit.pk, stage=stage, file=upload)
        visit = vs.visit_sign(
            actor=tech, visit_id=visit.pk, signer_name="张先生", signature=visit_demo.signature_png(1)
        )
    walls, cpus = [], []
    with translation.override("zh-hans"):
        visit_files.report_pdf(visit)  # warm-up: fonts and templates
        for _ in range(args.runs):
            w, c = time.perf_counter(), time.process_time()
            pdf = visit_files.report_pdf(visit)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    print(f"service report PDF, 4 photos + signature: {len(pdf) // 1024} KB")
    print(f"  median wall {wall * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms over {args.runs} runs (aim {AIM_S} s)")
    print(f"  {'MET' if wall < AIM_S else 'NOT MET'}")
    print("  command: .venv/bin/python bench/visit_report_bench.py --runs", args.runs)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
