"""Domain errors: DomainError for 'cannot do this', Issue records for 'here is what is wrong'."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Issue:
    """One thing wrong with an input: which field, why, and (for imports) which row."""

    field: str
    message: str
    code: str = "invalid"
    row: int | None = None

    def as_dict(self) -> dict:
        d = {"field": self.field, "message": self.message, "code": self.code}
        if self.row is not None:
            d["row"] = self.row
        return d

    def __str__(self) -> str:
        where = f"row {self.row}: " if self.row is not None else ""
        return f"{where}{self.field}: {self.message}"


class DomainError(Exception):
    """An operation that cannot be done (illegal state move, missing precondition)."""

    status_code = 409

    def __init__(self, message: str, *, code: str = "domain_error"):
        super().__init__(message)
        self.message = message
        self.code = code


class NotFound(DomainError):
    """The record does not exist, or the caller may not know that it does."""

    status_code = 404

    def __init__(self, message: str = "not found"):
        super().__init__(message, code="not_found")


class PermissionDenied(DomainError):
    status_code = 403

    def __init__(self, message: str = "permission denied"):
        super().__init__(message, code="forbidden")


class ValidationFailed(DomainError):
    """Input with one or more issues; carries every issue, not just the first."""

    status_code = 422

    def __init__(self, issues: Iterable[Issue]):
        self.issues = list(issues)
        super().__init__("; ".join(str(i) for i in self.issues) or "invalid input", code="validation_failed")

    def as_dict(self) -> dict:
        return {"error": "validation_failed", "message": self.message,
                "issues": [i.as_dict() for i in self.issues]}


def raise_if(issues: list[Issue]) -> None:
    """Raise ValidationFailed when the list is not empty."""
    if issues:
        raise ValidationFailed(issues)
