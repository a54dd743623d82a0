"""One module per form family: its FormSpec (registered at import), `gather` (queries) and export functions; see
compliance/forms_index.py."""
