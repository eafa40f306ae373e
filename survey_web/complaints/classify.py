"""Storing the classifier's verdict on a case: the same model and themes as survey comments."""

from __future__ import annotations

from sqlalchemy import insert, select, update

import analysis

from ..extensions import db
from ..models import ComplaintCase, utcnow
from ..models.complaints import CaseTheme, ClassifyStatus


def pending_text(case_id: int) -> str | None:
    """The words of case CASE_ID if it still waits for classification."""
    text = db.session.scalar(select(ComplaintCase.text).where(
        ComplaintCase.id == case_id, ComplaintCase.classify_status == ClassifyStatus.PENDING))
    db.session.rollback()  # release the read snapshot while the model works
    return text


def save_classification(case_id: int, result: analysis.Classification) -> bool:
    """Store RESULT on a pending case and commit; False if another run stored one first."""
    claimed = db.session.execute(
        update(ComplaintCase)
        .where(ComplaintCase.id == case_id, ComplaintCase.classify_status == ClassifyStatus.PENDING)
        .values(classify_status=ClassifyStatus.DONE, classified_at=utcnow(), model_version=result.model_version,
                urgent=result.urgent, urgent_reason=result.urgent_reason, uncertainty=result.uncertainty)
    ).rowcount
    if not claimed:
        db.session.rollback()
        return False
    if result.themes:
        db.session.execute(insert(CaseTheme), [
            {"case_id": case_id, "theme": code, "polarity": polarity, "confidence": result.confidence.get(code),
             "source": "model"} for code, polarity in result.themes.items()])
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
    model = analysis.load_model()
    stored = 0
    while True:
        rows = db.session.execute(select(ComplaintCase.id, ComplaintCase.text).where(
            ComplaintCase.classify_status == ClassifyStatus.PENDING).order_by(ComplaintCase.id).limit(batch_size)).all()
        db.session.rollback()
        if not rows:
            return stored
        results = model.classify_many([text for _id, text in rows])
        stored += sum(save_classification(case_id, result) for (case_id, _t), result in zip(rows, results, strict=True))
