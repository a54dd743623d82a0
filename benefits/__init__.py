"""Pooled benefits: plans, eligibility, enrollment, portable accounts."""
