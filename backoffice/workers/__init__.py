"""Clients, workers, engagements, onboarding and classification."""
