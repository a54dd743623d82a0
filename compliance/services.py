"""Compliance services: the only place this domain's records change (one transaction each)."""
