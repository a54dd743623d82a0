"""Worker onboarding: invitations by email, the self-service wizard, signed documents, I-9 tracking, HR's board."""
