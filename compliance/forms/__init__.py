"""The forms (FormSpecs with their gathering queries and exports), one module per form family; see
compliance/forms_index.py."""
