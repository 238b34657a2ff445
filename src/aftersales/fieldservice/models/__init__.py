"""The field-service app's models, one module per sub-domain: appointments (``appointments.py``)
and visits with their service reports and photos (``visits.py``)."""

from aftersales.fieldservice.models.appointments import AgreedVia, Appointment, AppointmentChange, AppointmentStatus
from aftersales.fieldservice.models.visits import Visit, VisitKind, VisitPart, VisitPhoto, VisitStatus

__all__ = [
    "AgreedVia",
    "Appointment",
    "AppointmentChange",
    "AppointmentStatus",
    "Visit",
    "VisitKind",
    "VisitPart",
    "VisitPhoto",
    "VisitStatus",
]
