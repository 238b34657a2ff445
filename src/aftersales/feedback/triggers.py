"""The feedback tables' change stamp (``core/stamps.py``), for the trigger registry
(``core/triggers.py``): the per-process cache of the rule (``counting.rule``) trusts it; the table
is the one migration 0005 watches."""

from aftersales.core import stamps
from aftersales.feedback.counting import RULE_STAMP_KEY

TRIGGERS = stamps.trigger_sets(
    RULE_STAMP_KEY, ["feedback_feedbackrule"], migration=("feedback", "0005_rule_change_stamp")
)
