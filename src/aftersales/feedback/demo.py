"""The feedback app's part of the demo data (``demo/seed.py`` calls these), through the real services."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from aftersales.feedback import complaints

MOODS = ["calm", "upset", "upset", "angry"]
EXPECTED = ["要求尽快上门处理并道歉", "要求更换新机", "希望给出明确的处理时间", "要求对相关人员进行批评教育"]
DEMO_BATCH = "B2611-07"  # the batch whose fault reports cross level II on the incident page
DEMO_BATCH_REPORTS = 56


def complaint_recorded(*, agent: Any, work_order: Any, rng: random.Random) -> None:
    """The agent's record of a complaint and its read-back, as on the phone (R-8.1)."""
    about = "service" if "工程师" not in work_order.symptom else "person"
    complaints.complaint_record(
        actor=agent,
        work_order_id=work_order.pk,
        about="service" if about == "person" and work_order.assignee_id is None else about,
        content=work_order.symptom,
        mood=rng.choice(MOODS),
        expected_solution=rng.choice(EXPECTED),
    )
    contact = work_order.contact.name if work_order.contact_id else work_order.customer.name
    complaints.complaint_read_back(actor=agent, work_order_id=work_order.pk, confirmed_by_name=contact[:64])


def batch_incident(gen: Any) -> int:
    """One model's batch with a run of the same fault over the last five days: the incident
    opens at the 10th report and rises to level II at the 51st (R-8.4)."""
    from aftersales.customers.services import installed_product_create
    from aftersales.workorders.services import work_order_create

    rng = gen.rng
    agent = gen.users["agent"]
    model = next(m for m in gen.models if m.product_line.code == "ac")
    fault = next((f for f, _s, _r in gen.faults.get("ac", [])), None)
    end = gen.clock.at
    start = end - dt.timedelta(days=5)
    step = (end - start) / DEMO_BATCH_REPORTS
    for i in range(DEMO_BATCH_REPORTS):
        gen.clock.at = start + step * (i + 1)
        customer = rng.choice(gen.customers)
        purchase = (end - dt.timedelta(days=rng.randint(30, 60))).date()
        product = installed_product_create(
            actor=agent,
            customer=customer,
            product_model_id=model.pk,
            serial_number=f"LQ2611{700000 + i:06d}",
            batch=DEMO_BATCH,
            purchase_date=purchase,
            installation_date=purchase + dt.timedelta(days=2),
        )
        work_order_create(
            actor=agent,
            customer_id=customer.pk,
            installed_product_id=product.pk,
            symptom=rng.choice(
                ["开机半小时后显示E4故障代码，压缩机停机", "室外机压缩机频繁启停，制冷效果差", "运行中突然停机，显示E4"]
            ),
            service_type="repair",
            channel="phone",
            fault_category_id=fault.pk if fault else None,
        )
    gen.clock.at = end
    return DEMO_BATCH_REPORTS
