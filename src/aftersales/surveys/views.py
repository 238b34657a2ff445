"""Survey pages: the customer's answer page (no login: the token is the key, single use), the
agent's phone survey and the scores dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from aftersales.core.errors import DomainError, NotFound
from aftersales.surveys import forms, improvement, selectors, services
from aftersales.surveys.errors import SurveyErrorCode
from aftersales.surveys.models import DIMENSION_LABELS, DIMENSIONS
from aftersales.web.access import staff_page
from aftersales.web.forms import form_status, show_domain_error
from aftersales.workorders.models import Channel


def _closed_page(request: HttpRequest, *, title: str, text: str, status: int = 200, points: int = 0) -> HttpResponse:
    return render(request, "surveys/done.html", {"title": title, "text": text, "points": points}, status=status)


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """R-9.2: the personal link's page. Answered or expired, it says so politely."""
    try:
        invitation = services.invitation_by_token(token)
    except NotFound:
        return _closed_page(
            request,
            title=_("Survey not found"),
            text=_("This survey link is not known. Please check the link."),
            status=404,
        )
    if invitation.answered_at is not None:
        return _closed_page(request, title=_("Already answered"), text=str(services.ALREADY_ANSWERED_MESSAGE))
    if invitation.expires_at <= timezone.now():
        return _closed_page(
            request, title=_("Survey closed"), text=_("This survey has expired. Thank you all the same."), status=410
        )
    form = forms.ScoresForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            saved = services.answer_by_invitation(
                invitation_id=invitation.pk, scores=form.scores(), text=form.cleaned_data["text"]
            )
        except DomainError as error:
            if error.code == SurveyErrorCode.ALREADY_ANSWERED:
                return _closed_page(request, title=_("Already answered"), text=str(error.message))
            if error.code == SurveyErrorCode.EXPIRED:
                return _closed_page(request, title=_("Survey closed"), text=str(error.message), status=410)
            show_domain_error(form, error, {f"scores.{name}": name for name in form.fields})
        else:
            return _closed_page(
                request,
                title=_("Thank you!"),
                text=_("Your answer helps us serve you better."),
                points=saved.points,
            )
    context: dict[str, Any] = {
        "form": form,
        "invitation": invitation,
        "work_order": invitation.work_order,
        "dimension_names": DIMENSIONS,
    }
    return render(request, "surveys/answer.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@staff_page(services.PERM_RECORD)
def phone_survey(request: HttpRequest) -> HttpResponse:
    """R-9.2: an agent or QA enters the customer's answers given on the phone (电话回访)."""
    initial = {"number": request.GET.get("number", "")[:32]}
    form = forms.PhoneSurveyForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        from aftersales.workorders.selectors import work_order_get_by_number

        try:
            wo = work_order_get_by_number(actor=request.user, number=form.cleaned_data["number"])
            saved = services.answer_by_phone(
                actor=request.user, work_order_id=wo.pk, scores=form.scores(), text=form.cleaned_data["text"]
            )
        except NotFound:
            form.add_error("number", _("No work order with this number."))
        except DomainError as error:
            show_domain_error(form, error, {"work_order_id": "number", **{f"scores.{n}": n for n in form.fields}})
        else:
            from django.contrib import messages

            if saved.valid:
                messages.success(request, _("The phone survey of %(number)s is recorded.") % {"number": wo.number})
            else:
                messages.warning(
                    request,
                    _("The phone survey of %(number)s is recorded but invalid: %(reason)s")
                    % {"number": wo.number, "reason": saved.get_invalid_reason_display()},
                )
            return redirect("surveys:phone")
    return render(
        request, "surveys/phone.html", {"form": form, "dimension_names": DIMENSIONS}, status=form_status(form)
    )


def _period_label(day: Any, period: str) -> str:
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    if period == "half":
        return f"{day.year} H{1 if day.month <= 6 else 2}"
    return str(day.year)


def _row_view(row: selectors.ScoreRow, period: str, labels: dict[str, str]) -> dict[str, Any]:
    means = row.means
    return {
        "period": _period_label(row.period, period),
        "label": labels.get(str(row.key), row.label) if row.key is not None else _("(none)"),
        "total": row.total,
        "valid": row.valid,
        "share": round(row.share * 100),
        "analysable": row.analysable,
        "means": [means[name] for name in DIMENSIONS] if means else [],
        "overall": row.overall,
        "trend": row.trend,
    }


@require_http_methods(["GET"])
@staff_page(selectors.PERM_SCORES)
def dashboard(request: HttpRequest) -> HttpResponse:
    """R-9.6: means per dimension by period and grouping; periods under 80 % valid not averaged."""
    today = timezone.localdate()
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else today.year
    period = request.GET.get("period", "month")
    period = period if period in selectors.PERIODS else "month"
    grouping = request.GET.get("group", "")
    grouping = grouping if grouping in selectors.GROUPINGS else ""
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    company = selectors.scores(actor=request.user, start=start, end=end, period=period)
    channel_labels = {str(value): str(label) for value, label in Channel.choices}
    labels = channel_labels if grouping == "channel" else {}
    company_rows = [_row_view(row, period, {}) for row in company]
    grouped = (
        [
            _row_view(row, period, labels)
            for row in selectors.scores(actor=request.user, start=start, end=end, period=period, grouping=grouping)
        ]
        if grouping
        else []
    )
    chart = {
        "periods": [row["period"] for row in company_rows],
        "series": [
            {
                "name": str(DIMENSION_LABELS[name]),
                "data": [row["means"][i] if row["means"] else None for row in company_rows],
            }
            for i, name in enumerate(DIMENSIONS)
        ],
        "shares": [row["share"] for row in company_rows],
    }
    context = {
        "year": year,
        "years": list(range(today.year - 3, today.year + 1)),
        "period": period,
        "periods": selectors.PERIODS,
        "grouping": grouping,
        "groupings": {name: label for name, (label, _c, _n) in selectors.GROUPINGS.items()},
        "grouping_label": selectors.GROUPINGS[grouping][0] if grouping else "",
        "dimensions": [DIMENSION_LABELS[name] for name in DIMENSIONS],
        "company_rows": company_rows,
        "grouped_rows": grouped,
        "chart": chart,
        "min_share": round(selectors.MIN_VALID_SHARE * 100),
    }
    return render(request, "surveys/dashboard.html", context)


@require_http_methods(["GET"])
@staff_page(selectors.PERM_SCORES)
def improvement_list(request: HttpRequest) -> HttpResponse:
    """R-9.7: the improvement items (满意度改进清单), newest month first."""
    items = selectors.improvement_items(actor=request.user)
    for item in items:
        item.dimension_label = DIMENSION_LABELS.get(item.dimension, item.dimension)
    can_manage = request.user.has_perm(improvement.PERM_MANAGE)
    return render(request, "surveys/improvement_list.html", {"items": items, "can_manage": can_manage})


@require_http_methods(["GET", "POST"])
@staff_page(improvement.PERM_MANAGE)
def improvement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.improvement_item_get(actor=request.user, item_id=pk)
    initial = {name: getattr(item, name) for name in ("root_cause", "department", "deadline", "status", "verification")}
    form = forms.ImprovementItemForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            improvement.item_update(actor=request.user, item_id=item.pk, **form.cleaned_data)
        except DomainError as error:
            if isinstance(error, NotFound):
                raise
            show_domain_error(form, error)
        else:
            return redirect("surveys:improvement")
    context = {"form": form, "item": item, "dimension_label": DIMENSION_LABELS.get(item.dimension, item.dimension)}
    return render(request, "surveys/improvement_edit.html", context, status=form_status(form))


METHOD_LABELS = {
    "stratified_ceil": gettext_lazy(
        "Stratified random sample: each customer of the month falls in the stratum of their last closed work "
        "order (service type × fault category × channel); in each stratum the rate times its customers, "
        "rounded up, are drawn at random with the stored seed, so the sample is at least the rate, every "
        "stratum is represented in proportion and no customer is drawn twice."
    ),
}


@require_http_methods(["GET", "POST"])
@staff_page(selectors.PERM_SCORES)
def sample_list(request: HttpRequest) -> HttpResponse:
    """R-9.1: the monthly samples, newest first; QA and supervisors draw last month's sample here
    when the night's job has not yet (the same once-per-month draw)."""
    from aftersales.surveys.improvement import last_month

    can_draw = request.user.has_perm(improvement.PERM_MANAGE)
    if request.method == "POST":
        from django.contrib import messages

        from aftersales.surveys import sampling

        sample, drawn, invited = sampling.sample_draw_now(actor=request.user)
        values = {"month": f"{sample.month:%Y-%m}", "size": sample.size, "invited": invited}
        if drawn:
            messages.success(
                request,
                _("The sample of %(month)s is drawn: %(size)s customers, %(invited)s invited.") % values,
            )
        else:
            messages.info(request, _("The sample of %(month)s was drawn already.") % values)
        return redirect("surveys:sample", sample.pk)
    samples = selectors.sample_list(actor=request.user)
    month = last_month(timezone.now())
    context = {
        "samples": samples,
        "can_draw": can_draw,
        "draw_month": month,
        "drawn": any(sample.month == month for sample in samples),
    }
    return render(request, "surveys/sample_list.html", context)


@require_http_methods(["GET"])
@staff_page(selectors.PERM_SCORES)
def sample_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R-9.1: one month's sample: its method, seed, strata and sampled customers."""
    from aftersales.catalog.models import ServiceType

    sample = selectors.sample_get(actor=request.user, sample_id=pk)
    service_types = dict(ServiceType.choices)
    channels = dict(Channel.choices)
    for stratum in sample.strata_list:
        stratum.service_type_label = service_types.get(stratum.service_type, stratum.service_type)
        stratum.channel_label = channels.get(stratum.channel, stratum.channel)
    context = {
        "sample": sample,
        "method_label": METHOD_LABELS.get(sample.method, sample.method),
        "rate_percent": round(float(sample.rate) * 100, 2),
        "members": selectors.sample_members(sample),
    }
    return render(request, "surveys/sample_detail.html", context)


@require_http_methods(["GET"])
@staff_page(selectors.PERM_SCORES)
def meeting_list(request: HttpRequest) -> HttpResponse:
    """R-9.7: the monthly service-quality meetings."""
    context = {
        "meetings": selectors.meeting_list(actor=request.user),
        "can_manage": request.user.has_perm(improvement.PERM_MANAGE),
    }
    return render(request, "surveys/meeting_list.html", context)


@require_http_methods(["GET"])
@staff_page(selectors.PERM_SCORES)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R-9.7: one meeting: date, attendees, minutes and its decision for each reviewed item."""
    meeting = selectors.meeting_get(actor=request.user, meeting_id=pk)
    for decision in meeting.decision_list:
        decision.dimension_label = DIMENSION_LABELS.get(decision.item.dimension, decision.item.dimension)
    context = {"meeting": meeting, "can_manage": request.user.has_perm(improvement.PERM_MANAGE)}
    return render(request, "surveys/meeting_detail.html", context)


@require_http_methods(["GET", "POST"])
@staff_page(improvement.PERM_MANAGE)
def meeting_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """R-9.7: record a meeting, or correct one; supervisors and QA."""
    from aftersales.surveys import meetings

    meeting = selectors.meeting_get(actor=request.user, meeting_id=pk) if pk is not None else None
    items = selectors.meeting_reviewable_items(meeting=meeting)
    for item in items:
        item.dimension_label = DIMENSION_LABELS.get(item.dimension, item.dimension)
    initial: dict[str, Any] = {}
    if meeting is not None:
        initial = {
            "held_on": meeting.held_on,
            "minutes": meeting.minutes,
            "attendee_ids": [str(u.pk) for u in meeting.attendee_list],
        }
        for decision in meeting.decision_list:
            initial.update(
                {
                    f"item_{decision.item_id}_reviewed": True,
                    f"item_{decision.item_id}_decision": decision.decision,
                    f"item_{decision.item_id}_status": decision.status,
                    f"item_{decision.item_id}_deadline": decision.deadline,
                }
            )
    form = forms.MeetingForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        items=items,
        attendees=selectors.meeting_attendee_choices(),
    )
    if form.is_bound and form.is_valid():
        decisions, field_of = form.decisions()
        try:
            saved = meetings.meeting_save(
                actor=request.user,
                meeting_id=meeting.pk if meeting is not None else None,
                held_on=form.cleaned_data["held_on"],
                attendee_ids=[int(v) for v in form.cleaned_data["attendee_ids"]],
                minutes=form.cleaned_data["minutes"],
                decisions=decisions,
            )
        except DomainError as error:
            if isinstance(error, NotFound):
                raise
            show_domain_error(form, error, field_of)
        else:
            return redirect("surveys:meeting", saved.pk)
    context = {"form": form, "meeting": meeting, "rows": form.rows()}
    return render(request, "surveys/meeting_edit.html", context, status=form_status(form))


@require_http_methods(["GET"])
@staff_page("surveys.make_follow_up_call")
def follow_up_list(request: HttpRequest) -> HttpResponse:
    """R-8.1: QA's call list — closed in the last week, and complaints ready for their call."""
    from aftersales.surveys.models import FollowUpKind

    due = selectors.follow_up_calls_due(actor=request.user, now=timezone.now())
    context = {
        "after_close": due[FollowUpKind.AFTER_CLOSE],
        "complaints": due[FollowUpKind.COMPLAINT],
    }
    return render(request, "surveys/follow_up_list.html", context)


@require_http_methods(["GET", "POST"])
@staff_page("surveys.make_follow_up_call")
def follow_up_call(request: HttpRequest, work_order_id: int, kind: str) -> HttpResponse:
    """R-8.1: one call: the script of its kind, the work order, the outcome recorded."""
    from django.contrib import messages

    from aftersales.surveys import followup
    from aftersales.surveys.models import FollowUpKind

    if kind not in FollowUpKind.values:
        raise NotFound()
    wo = selectors.follow_up_call_work_order(actor=request.user, work_order_id=work_order_id)
    form = forms.FollowUpCallForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            call = followup.follow_up_call_record(
                actor=request.user,
                work_order_id=wo.pk,
                kind=kind,
                outcome=form.cleaned_data["outcome"],
                satisfaction=form.cleaned_data["satisfaction"],
                customer_words=form.cleaned_data["customer_words"],
            )
        except DomainError as error:
            if isinstance(error, NotFound):
                raise
            show_domain_error(form, error, {"note": "customer_words"})
        else:
            if call.reopened:
                messages.warning(request, _("%(number)s is reopened: the problem is back.") % {"number": wo.number})
            else:
                messages.success(request, _("The follow-up call of %(number)s is recorded.") % {"number": wo.number})
            return redirect("surveys:calls")
    closed = timezone.localtime(wo.closed_at).strftime("%Y-%m-%d") if wo.closed_at else "—"
    context = {
        "form": form,
        "work_order": wo,
        "kind": kind,
        "kind_label": FollowUpKind(kind).label,
        "script": str(followup.call_script(kind)) % {"number": wo.number, "closed": closed},
    }
    return render(request, "surveys/follow_up_call.html", context, status=form_status(form))
