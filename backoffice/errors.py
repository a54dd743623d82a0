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


class Refusal:
    """A DomainError caught by a `with` block and kept for a page to show, instead of raised on.

    After `with Refusal() as refused: service(...)`, `refused` is true when the service raised a DomainError; it
    holds the error, its issues (a ValidationFailed's), its messages by field and one message for the page. Each
    surface says in a subclass which errors it keeps and what it does then (roll back, flash): see
    backoffice.admin.domain_errors and backoffice.portal.form_errors."""

    error: DomainError | None = None

    def __enter__(self) -> Refusal:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if not isinstance(exc, DomainError) or not self.keeps(exc):
            return False
        self.error = exc
        self.kept()
        return True

    def keeps(self, exc: DomainError) -> bool:
        return True

    def kept(self) -> None:
        """What the surface does once it holds the error."""

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def issues(self) -> list[Issue]:
        return list(self.error.issues) if isinstance(self.error, ValidationFailed) else []

    @property
    def errors(self) -> dict[str, list[str]]:
        """The issues' messages by field ("_form" for an issue that names none), to show each beside its field."""
        out: dict[str, list[str]] = {}
        for issue in self.issues:
            out.setdefault(issue.field or "_form", []).append(issue.message)
        return out

    @property
    def message(self) -> str:
        """The refusal in words for the page: the issues' messages (each beside its field), or the error's."""
        if self.issues:
            return "; ".join(i.message for i in self.issues)
        return self.error.message if self.error is not None else ""
