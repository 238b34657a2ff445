from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartsConfig(AppConfig):
    name = "aftersales.parts"
    verbose_name = _("Spare parts")

    def ready(self) -> None:
        from aftersales.core.subjects import subject_type_register
        from aftersales.parts.selectors import part_subjects
        from aftersales.parts.services import reservations
        from aftersales.workorders.services.hooks import timeline_actions_register

        # A reorder alert (topic "part:<id>") links to the part's stock, for readers who see parts.
        subject_type_register("part", part_subjects)
        # Reservations, releases and consumption on the work order's timeline.
        timeline_actions_register(
            {
                reservations.TIMELINE_RESERVE: _("Part reserved"),
                reservations.TIMELINE_RELEASE: _("Reserved part released"),
                reservations.TIMELINE_CONSUME: _("Reserved part used"),
            }
        )
