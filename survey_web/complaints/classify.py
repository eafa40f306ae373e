"""Storing the classifier's verdict on a case: the same model and themes as survey comments."""

from __future__ import annotations

import analysis

from ..extensions import db
from ..models import ComplaintCase
from ..models.complaints import CaseTheme
from ..responses import verdicts


def pending_text(case_id: int) -> str | None:
    """The words of case CASE_ID if it still waits for classification."""
    return verdicts.pending_text(ComplaintCase.classify_status, case_id)


def save_classification(case_id: int, result: analysis.Classification) -> bool:
    """Store RESULT on a pending case and commit; False if another run stored one first."""
    if not verdicts.store_verdict(ComplaintCase.classify_status, case_id, result, CaseTheme.case_id):
        return False
    db.session.commit()
    return True


def set_staff_themes(case: ComplaintCase, themes: dict[str, str]) -> None:
    """The office's own themes for CASE (they replace earlier staff themes; the model's stay for the record)."""
    case.themes = [t for t in case.themes if t.source == "model"] + [
        CaseTheme(theme=code, polarity=polarity, source="staff") for code, polarity in sorted(themes.items())]


def effective_themes(case: ComplaintCase) -> dict[str, str]:
    """Staff themes where the office set any, else the model's."""
    staff = {t.theme: t.polarity for t in case.themes if t.source == "staff"}
    return staff or {t.theme: t.polarity for t in case.themes if t.source == "model"}


def classify_pending_now(batch_size: int = 256) -> int:
    """Classify every pending case in this process (the demo does, as `flask demo` does for comments)."""
    return verdicts.classify_pending_now(ComplaintCase.classify_status, save_classification, batch_size)
