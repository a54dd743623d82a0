"""Worker classification engine (pure): questionnaire, dated rule sets as data, tests, determination, re-checks."""
from backoffice.classification.engine.classify import CLASSIFY_INPUT_SCHEMA, CLASSIFY_OUTPUT_SCHEMA, classify
from backoffice.classification.engine.rechecks import (
    RecheckFacts, ScheduleChange, Trigger, WeekHours, recheck_triggers)

__all__ = ["CLASSIFY_INPUT_SCHEMA", "CLASSIFY_OUTPUT_SCHEMA", "classify", "RecheckFacts", "ScheduleChange",
           "Trigger", "WeekHours", "recheck_triggers"]
