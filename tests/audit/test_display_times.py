"""Every time shown anywhere is in the display time zone (ARCHITECTURE: stored in UTC, shown in
Asia/Shanghai), the access log's records included (R-13.2): a communication at 02:52 is "02:52",
not the "18:52" of its stored UTC time."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

import aftersales
from aftersales.audit.models import AccessLog
from aftersales.sla.models import SlaBreach, SlaExtension, WorkOrderTarget
from aftersales.workorders import services
from aftersales.workorders.models import Communication, WorkOrderEvent
from tests.factories import UserFactory, make_work_order

SRC = Path(aftersales.__file__).parent
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# 02:52 on 25 November in Shanghai is 18:52 on the 24th in UTC.
LOCAL = dt.datetime(2026, 11, 25, 2, 52, tzinfo=SHANGHAI)
STORED = LOCAL.astimezone(dt.UTC)


@pytest.mark.parametrize(
    "obj",
    [
        Communication(kind="call", at=STORED),
        WorkOrderEvent(work_order_id=7, kind="created", at=STORED),
        AccessLog(at=STORED, action="view", object_type="workorder", object_id="7"),
        WorkOrderTarget(work_order_id=7, kind="resolve", due_at=STORED),
        SlaBreach(work_order_id=7, kind="resolve", due_at=STORED),
        SlaExtension(target_id=7, new_due_at=STORED),
    ],
    ids=lambda obj: type(obj).__name__,
)
def test_a_records_name_shows_its_time_in_the_display_time_zone(obj):
    assert "2026-11-25 02:52" in str(obj)
    assert "18:52" not in str(obj)


@pytest.mark.django_db
@pytest.mark.clock("2026-11-25T09:00:00+08:00")
def test_r13_2_a_communication_in_the_log_shows_its_local_time(client):
    agent = UserFactory(role="agent")
    wo = make_work_order(agent)
    services.communication_record(
        actor=agent, work_order_id=wo.pk, kind="call", direction="out", summary="回访客户", at=LOCAL
    )
    client.force_login(UserFactory(role="supervisor"))
    html = client.get(reverse("audit:log"), {"object_type": "communication"}).content.decode()
    assert "2026-11-25 02:52" in html
    assert "18:52" not in html


# ---- the same rule, read from the source ------------------------------------------------------
# A format with a time of day shows a datetime, which must be converted first.
TIME_OF_DAY = re.compile(r"%[HIMSp]")
CONVERTED = {"localtime", "localdate"}


def _model_fields(tree: ast.Module, module: str) -> dict[str, type[models.Model]]:
    """The models defined in a module, by class name, to read the type of ``self.<field>``."""
    known = {(m.__module__, m.__name__): m for m in apps.get_models()}
    return {
        node.name: known[module, node.name]
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and (module, node.name) in known
    }


def _field(model: type[models.Model] | None, value: ast.expr) -> models.Field | None:
    if model is None or not (isinstance(value, ast.Attribute) and ast.unparse(value.value) == "self"):
        return None
    try:
        field = model._meta.get_field(value.attr)
    except Exception:  # not a field: a property or a plain attribute
        return None
    return field if isinstance(field, models.Field) else None


def _is_converted(value: ast.expr) -> bool:
    if isinstance(value, ast.Call):
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in CONVERTED
    return isinstance(value, ast.Name) and value.id.startswith("local")


def _offending(value: ast.expr, fmt: str, model: type[models.Model] | None) -> bool:
    if _is_converted(value):
        return False
    field = _field(model, value)
    if isinstance(field, models.DateTimeField):
        return True  # a stored UTC time, even as a date only
    if isinstance(field, (models.DateField, models.TimeField)):
        return False  # a calendar date or a time of day: nothing to convert
    return bool(TIME_OF_DAY.search(fmt))


def _formats(tree: ast.AST, cls: ast.ClassDef | None = None):
    """(innermost class, value, format) of every f-string format and ``strftime`` call."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = ast.unparse(node.format_spec)
            if "%" in spec:
                yield cls, node.value, spec
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "strftime"
            and node.args
        ):
            yield cls, node.func.value, ast.unparse(node.args[0])
        yield from _formats(node, node if isinstance(node, ast.ClassDef) else cls)


def test_no_time_is_formatted_without_converting_it_to_the_display_time_zone():
    offending = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), str(path))
        module = ".".join(("aftersales", *path.relative_to(SRC).with_suffix("").parts))
        models_here = _model_fields(tree, module)
        for cls, value, fmt in _formats(tree):
            model = models_here.get(cls.name) if cls is not None else None
            if _offending(value, fmt, model):
                offending.add(f"{path.relative_to(SRC)}:{value.lineno}: {ast.unparse(value)} {fmt}")
    assert sorted(offending) == []


def test_no_template_shows_a_raw_iso_time():
    """Templates show times with ``|date``/``|time`` (converted); ``.isoformat`` is not."""
    offending = [
        str(path.relative_to(SRC)) for path in SRC.rglob("templates/**/*.html") if ".isoformat" in path.read_text()
    ]
    assert offending == []


def test_the_scan_sees_a_time_formatted_unconverted():
    """The scan's own check: the old ``Communication.__str__`` is found, the fixed one is not."""
    old = ast.parse('class Communication:\n    def __str__(self):\n        return f"{self.at:%Y-%m-%d %H:%M}"')
    new = ast.parse(
        'class Communication:\n    def __str__(self):\n        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M}"'
    )
    models_here = {"Communication": Communication}
    assert [_offending(v, f, models_here.get(c.name)) for c, v, f in _formats(old) if c] == [True]
    assert [_offending(v, f, models_here.get(c.name)) for c, v, f in _formats(new) if c] == [False]
    variable = ast.parse('def f(moment):\n    return moment.strftime("%H:%M")')
    assert [_offending(v, f, None) for _c, v, f in _formats(variable)] == [True]
