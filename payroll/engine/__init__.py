"""Pure payroll engine: gross-to-net with every line explained (no framework, database or clock)."""
from .model import (Deduction, Earning, Line, PaycheckInput, PaycheckResult, W4, W4Legacy,  # noqa: F401
                    YearToDate)
from .paycheck import calculate_paycheck  # noqa: F401
from .tables import TaxTables, load_tables, tables_for  # noqa: F401

__all__ = ["calculate_paycheck", "tables_for", "load_tables", "TaxTables", "PaycheckInput", "PaycheckResult",
           "Earning", "Deduction", "W4", "W4Legacy", "YearToDate", "Line"]
