"""Staff profiles, certifications, training and performance (R-10)."""
