"""Banking shared by workers, onboarding and payroll: routing and account numbers, deposit splits, Plaid linking."""
