"""The field-service app's models, one module per sub-domain: appointments (``appointments.py``)
and visits with their service reports and photos (``visits.py``)."""

from aftersales.fieldservice.models.appointments import AgreedVia, Appointment, AppointmentChange, AppointmentStatus

__all__ = ["AgreedVia", "Appointment", "AppointmentChange", "AppointmentStatus"]
