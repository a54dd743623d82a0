"""Payment adapters: routing checks, deposit splits, NACHA files, ACH returns and Plaid bank linking."""
