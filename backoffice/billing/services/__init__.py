"""Billing services: invoicing (facts to draft invoices), issuing (numbers, the journal entry), delivery (PDF and
e-mail), the billing journal entries and the invoice queries the entry points share."""
