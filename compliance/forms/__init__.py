"""One module per form family: its FormSpec (gather queries, exports); compliance/forms_index.py imports them."""
