"""Dispatch: matching, assignment, approvals and service notices (R-5)."""
