"""Onboarding services: cases, invitations, the wizard's steps and the e-signed agreements."""
