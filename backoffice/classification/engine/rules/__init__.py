"""Classification rule sets as JSON data (a package only so the files ship with the wheel)."""
