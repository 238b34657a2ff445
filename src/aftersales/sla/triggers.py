"""The SLA tables' change stamps (``core/stamps.py``), for the trigger registry (``core/triggers.py``).

The per-process caches of the policies (``sla/policies.py``) and of the calendars
(``sla/clocks.py``) trust them; the tables are the ones migrations 0006 and 0008 watch.
"""

from aftersales.core import stamps
from aftersales.sla.policies import STAMP_KEY
from aftersales.sla.selectors import CALENDAR_STAMP_KEY

TRIGGERS = [
    *stamps.trigger_sets(
        STAMP_KEY,
        ["sla_slapolicy", "sla_slatargetrule", "sla_calendar"],
        migration=("sla", "0006_policy_change_stamp"),
    ),
    *stamps.trigger_sets(
        CALENDAR_STAMP_KEY,
        ["sla_calendar", "sla_workingperiod", "sla_calendarday", "sla_calendaryear"],
        migration=("sla", "0008_calendar_change_stamp"),
    ),
]
