"""Reports: paystub and other PDFs (the only WeasyPrint import is reports.pdf), exports and queries."""
