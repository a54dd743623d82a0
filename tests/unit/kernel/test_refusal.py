"""Refusal: a DomainError caught by a `with` block and kept for the page, its issues by field, other errors raised."""
from __future__ import annotations

import pytest

from backoffice.errors import DomainError, Issue, Refusal, ValidationFailed


def test_a_refused_call_is_kept_and_the_rest_of_the_block_does_not_run():
    done = []
    with Refusal() as refused:
        raise DomainError("run #4 is paid; paying twice is refused", code="already_paid")
        done.append("success message")  # not reached: the line above refused
    assert refused and done == []
    assert refused.message == "run #4 is paid; paying twice is refused" and refused.issues == []


def test_a_call_that_went_through_leaves_an_empty_refusal():
    with Refusal() as refused:
        pass
    assert not refused and refused.errors == {} and refused.message == ""


def test_the_issues_are_kept_by_field_with_the_unnamed_ones_under_form():
    with Refusal() as refused:
        raise ValidationFailed([Issue("tin", "is not a valid SSN"), Issue("tin", "is already on file"),
                                Issue("", "fill in the form")])
    assert refused.errors == {"tin": ["is not a valid SSN", "is already on file"], "_form": ["fill in the form"]}
    assert refused.message == "is not a valid SSN; is already on file; fill in the form"


def test_an_error_that_is_not_a_domain_error_is_raised_on():
    with pytest.raises(ZeroDivisionError):
        with Refusal():
            1 / 0
