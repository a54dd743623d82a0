"""Classification services: questionnaires, evidence, sign-off, review threads, re-checks, reclassification.

The code lives in assessment_common, assessment_questionnaire, assessment_reviews, assessment_rechecks,
assessment_reclassification and assessment_labels; every name (public, and the private helpers tests reach)
stays importable from here."""
from __future__ import annotations

from backoffice.workers.assessment_common import (FILL_ROLES, MAX_EVIDENCE_BYTES, MAX_MESSAGE_CHARS,
                                                  OPEN_ENGAGEMENT_STATUSES, PERMISSION, SIGN_OFF_ROLES,
                                                  _audited_as_user, _check, _commit, _engagement_for,
                                                  _linked_engagements, _visible, basis, current_signed,
                                                  get_assessment, get_evidence, get_review, history,
                                                  reclassifications_for)
from backoffice.workers.assessment_questionnaire import (_draft, _signable, add_evidence, answer_value, clean_answers,
                                                         run_assessment, save_answers, sign_off, start_assessment)
from backoffice.workers.assessment_reviews import _author_name, _message_body, post_message, request_review
from backoffice.workers.assessment_rechecks import raise_rechecks, recheck_facts, resolve_recheck, run_rechecks
from backoffice.workers.assessment_reclassification import _onboarding_steps, _open_onboarding, reclassify
from backoffice.workers.assessment_labels import (DIRECTION_LABELS, GROUP_TITLES, QUESTIONS, RESULT_LABELS,
                                                  VALUE_LABELS, answers_from_form, humanize, question,
                                                  questionnaire_form)

__all__ = [
    "PERMISSION", "FILL_ROLES", "SIGN_OFF_ROLES", "MAX_EVIDENCE_BYTES", "MAX_MESSAGE_CHARS",
    "OPEN_ENGAGEMENT_STATUSES", "get_assessment", "get_review", "get_evidence", "history", "basis",
    "reclassifications_for", "current_signed", "clean_answers", "answer_value", "start_assessment", "save_answers",
    "run_assessment", "add_evidence", "sign_off", "request_review", "post_message", "recheck_facts", "raise_rechecks",
    "run_rechecks", "resolve_recheck", "reclassify", "GROUP_TITLES", "QUESTIONS", "VALUE_LABELS", "DIRECTION_LABELS",
    "RESULT_LABELS", "humanize", "question", "questionnaire_form", "answers_from_form",
]
