"""The field-service app's models, one module per sub-domain: appointments (``appointments.py``)
and visits with their service reports and photos (``visits.py``)."""
