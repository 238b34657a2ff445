"""Field service: appointments, visits, service reports, signatures and photos (R-6.1–R-6.4)."""
