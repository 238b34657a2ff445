from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartsConfig(AppConfig):
    name = "aftersales.parts"
    verbose_name = _("Spare parts")

    def ready(self) -> None:
        from aftersales.core.subjects import subject_type_register
        from aftersales.parts.selectors import part_subjects

        # A reorder alert (topic "part:<id>") links to the part's stock, for readers who see parts.
        subject_type_register("part", part_subjects)
