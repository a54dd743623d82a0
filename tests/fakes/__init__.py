"""Local fakes of outside services (Plaid) that tests drive through the real client libraries."""
