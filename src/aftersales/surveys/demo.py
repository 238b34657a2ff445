"""The surveys app's part of the demo data (``demo/seed.py`` calls it): three months of answers
through the real services — by link, SMS and phone, some invalid for each reason, one team weak in
communication in one month — and invitations still open, reminded or expired."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.utils import timezone

from aftersales.core.errors import DomainError
from aftersales.surveys import improvement, services
from aftersales.surveys.models import DIMENSIONS, AbusiveWord, Kind, Source

ABUSIVE_WORDS = ["傻逼", "骗子", "垃圾公司", "去死", "混蛋"]
GOOD_TEXTS = [
    "师傅上门很准时，问题一次就解决了，非常满意",
    "客服响应很快，工程师讲解得很清楚，谢谢",
    "维修速度还可以，就是等配件多等了两天",
    "工程师很专业，顺便帮我检查了其他设备",
    "电话沟通很耐心，上门前也提前打了电话确认",
    "整体不错，希望以后能更早告知上门时间",
]
SHORT_TEXTS = ["还行", "满意", "一般般吧", ""]
ABUSIVE_TEXTS = ["你们就是一群骗子，修了三次都没修好", "垃圾公司，再也不买你们的产品了"]
DAYS = 92
LIMIT = 150


def answers(gen: Any) -> dict[str, int]:
    from aftersales.workorders.models import WorkOrder

    rng = gen.rng
    now = gen.now
    AbusiveWord.objects.bulk_create([AbusiveWord(word=w) for w in ABUSIVE_WORDS], ignore_conflicts=True)
    window = list(
        WorkOrder.objects.filter(
            closed_at__gte=now - dt.timedelta(days=DAYS), closed_at__lt=now - dt.timedelta(hours=1)
        )
        .select_related("customer", "contact", "assignee")
        .order_by("closed_at", "pk")
    )
    closed = window[:: max(1, len(window) // LIMIT)][:LIMIT]  # spread over the three months
    teams = Counter(wo.assignee.team_id for wo in closed if wo.assignee is not None and wo.assignee.team_id)
    weak_team = teams.most_common(1)[0][0] if teams else None
    last_month = (timezone.localdate(now).replace(day=1) - dt.timedelta(days=1)).month
    agent = gen.users.get("agent")
    made = {"invitations": 0, "answers": 0}
    for i, wo in enumerate(closed):
        if wo.closed_at is None:  # filtered on it; for the type checker
            continue
        sent: dt.datetime = wo.closed_at + dt.timedelta(minutes=rng.randrange(10, 600))
        invitation = services.invitation_create(work_order=wo, kind=Kind.AFTER_CLOSE, now=sent)
        if invitation is None:
            continue
        made["invitations"] += 1
        if rng.random() < 0.25:  # unanswered: the scan below reminds or expires it
            continue
        base = rng.randrange(7, 10)
        in_last_month = timezone.localtime(sent).month == last_month
        # Last month only the weak team's communication is under 7 (one item for one team and
        # dimension, R-9.7): there the other scores stay at 7 or more, whatever the draw.
        floor = 7 if in_last_month else 1
        scores = {name: min(10, max(floor, base + rng.choice([-1, 0, 0, 1, 1]))) for name in DIMENSIONS}
        weak = weak_team is not None and wo.assignee is not None and wo.assignee.team_id == weak_team and in_last_month
        if weak:
            scores["communication"] = rng.choice([4, 5, 6])  # last month, this team explained badly
        text = rng.choice(GOOD_TEXTS)
        roll = -1 if weak else i % 20
        if roll == 3:
            scores = dict.fromkeys(DIMENSIONS, rng.choice([10, 8, 1]))  # straight-lining
        elif roll == 7:
            text = rng.choice(SHORT_TEXTS)  # too short
        elif roll == 13:
            text = rng.choice(ABUSIVE_TEXTS)
            scores = dict.fromkeys(DIMENSIONS, 2) | {"attitude": 1}
        answered = min(sent + dt.timedelta(hours=rng.randrange(1, 96)), now)
        try:
            if i % 5 == 4 and agent is not None:
                services.answer_by_phone(actor=agent, work_order_id=wo.pk, scores=scores, text=text, now=answered)
            else:
                source = Source.SMS if invitation.channel == "sms" and i % 2 else Source.LINK
                services.answer_by_invitation(
                    invitation_id=invitation.pk, scores=scores, text=text, source=source, now=answered
                )
        except DomainError:
            continue
        made["answers"] += 1
    services.reminders_scan(now=now)
    made["improvement_items"] = improvement.improvement_scan(month=improvement.last_month(now), now=now)
    made.update(_meeting_sample_and_calls(gen))
    return made


def _meeting_sample_and_calls(gen: Any) -> dict[str, int]:
    """The meeting that reviewed last month's items (R-9.7), last month's sample (R-9.1) and a few
    follow-up calls, one of which heard the problem is back (R-8.1)."""
    import contextlib

    from aftersales.surveys import followup, meetings, sampling, selectors
    from aftersales.surveys.models import ImprovementItem

    now = gen.now
    made = {"meetings": 0, "sampled": 0, "follow_up_calls": 0}
    supervisor, qa = gen.users.get("supervisor"), gen.users.get("qa")
    items = list(ImprovementItem.objects.filter(month=improvement.last_month(now)))
    if supervisor is not None and qa is not None and items:
        held_on = timezone.localdate(now).replace(day=1) + dt.timedelta(days=6)
        held_on = min(held_on, timezone.localdate(now))
        decisions = [
            {
                "item_id": item.pk,
                "decision": "组织沟通技巧培训，上门前电话确认、离场前讲清处理结果；下月回访复核。",
                "status": "in_progress",
                "deadline": held_on + dt.timedelta(days=30),
            }
            for item in items
        ]
        with contextlib.suppress(DomainError):
            meetings.meeting_save(
                actor=supervisor,
                held_on=held_on,
                attendee_ids=[supervisor.pk, qa.pk],
                minutes="评审上月满意度：沟通清晰度低于 7 分，原因是工程师离场前未向客户说明处理结果。决定开展培训并在下月复核。",
                decisions=decisions,
                now=now,
            )
            made["meetings"] = 1
    sample, _drawn = sampling.sample_draw(month=improvement.last_month(now), now=now, seed=20261101)
    sampling.sample_invite(sample, now=now)
    made["sampled"] = sample.size
    if qa is not None:
        due = selectors.follow_up_calls_due(actor=qa, now=now)["after_close"][:3]
        outcomes = [
            ("satisfied", 9, "师傅很专业，设备运行正常"),
            ("unreachable", None, ""),
            ("problem_back", None, "空调又不制冷了，和上次一样的问题"),
        ]
        for wo, (outcome, satisfaction, words) in zip(due, outcomes, strict=False):
            with contextlib.suppress(DomainError):
                followup.follow_up_call_record(
                    actor=qa,
                    work_order_id=wo.pk,
                    kind="after_close",
                    outcome=outcome,
                    satisfaction=satisfaction,
                    customer_words=words,
                    now=now,
                )
                made["follow_up_calls"] += 1
    return made
