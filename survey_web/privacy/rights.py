"""What a respondent may do with a receipt code (PIPL arts. 44-47): see, export and erase their response."""

from __future__ import annotations

import json

from sqlalchemy import delete, select

from question_banks import scale_levels

from .. import audit, banks
from ..complaints.privacy import forget_response
from ..crypto import decrypt_contact, mask_phone
from ..extensions import db
from ..i18n import pick
from ..models import Answer, Comment, CommentReview, CommentTheme, Response, UrgentAlert
from .forget import BEIJING, drop_quotes, recount_months_of

_LEVELS = {level.value: level for level in scale_levels(na=True)}


def _answer_label(question, answer: Answer) -> str:
    if answer.score is not None:
        level = _LEVELS.get(answer.score)
        return f"{answer.score} · {pick(level.label)}" if level else str(answer.score)
    if answer.option == "na":
        return pick(_LEVELS[None].label) if None in _LEVELS else "na"
    if question is not None:
        for option in question.options:
            if option.value == answer.option:
                return pick(option.label)
    return answer.option or ""


def submitted(response: Response) -> dict:
    """Everything stored from RESPONSE, as the respondent gave it (the phone number masked: whoever holds
    the code sees it, and the respondent knows their own number)."""
    point = response.point
    try:
        bank = banks.for_version(response.bank_version_id)
        questions = {q.code: q for q in bank.questions}
        title = pick(bank.title)
    except LookupError:
        questions, title = {}, ""
    comment = response.comment
    contact = None
    if response.contact_encrypted:
        plain = decrypt_contact(response.contact_encrypted)
        contact = mask_phone(plain) if plain else None
    return {
        "place": f"{point.department.hospital.name} · {point.department.name} · {point.name}",
        "survey": title,
        "submitted_at": response.submitted_at.astimezone(BEIJING).isoformat(timespec="minutes"),
        "role": response.role,
        "mode": response.mode,
        "language": response.language,
        "answers": [{"question": pick(questions[a.question_code].text) if a.question_code in questions
                     else a.question_code, "answer": _answer_label(questions.get(a.question_code), a)}
                    for a in sorted(response.answers, key=lambda a: a.id)],
        "comment": comment.text if comment and comment.text_removed_at is None else None,
        "contact": contact,
    }


def as_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def as_text(data: dict, labels: dict[str, str]) -> str:
    """DATA as plain text, one 'label: value' per line, LABELS naming the fields in the reader's language."""
    lines = [f"{labels[key]}: {data[key]}" for key in ("place", "survey", "submitted_at") if data[key]]
    lines += [f"{a['question']}: {a['answer']}" for a in data["answers"]]
    if data["comment"]:
        lines.append(f"{labels['comment']}: {data['comment']}")
    if data["contact"]:
        lines.append(f"{labels['contact']}: {data['contact']}")
    return "\n".join(lines) + "\n"


def erase(response: Response) -> None:
    """Delete RESPONSE with its answers, comment, contact, themes, reviews and urgent alert, its quotes in
    problem lists and the cached figures that counted it; audited without any content. Commits."""
    comment_id = db.session.scalar(select(Comment.id).where(Comment.response_id == response.id))
    cases = forget_response(response.id, comment_id)
    facts = {"point_id": response.point_id,
             "month": response.submitted_at.astimezone(BEIJING).strftime("%Y-%m"),
             "answers": len(response.answers), "comment": comment_id is not None,
             "contact": response.contact_encrypted is not None, "complaint_cases": cases}
    if comment_id is not None:
        facts["alert"] = db.session.scalar(select(UrgentAlert.id).where(UrgentAlert.comment_id == comment_id)) \
            is not None
        drop_quotes([comment_id])
        for model in (UrgentAlert, CommentReview, CommentTheme):
            db.session.execute(delete(model).where(model.comment_id == comment_id))
        db.session.execute(delete(Comment).where(Comment.id == comment_id))
    recount_months_of([response.submitted_at])
    response_id = response.id
    db.session.execute(delete(Answer).where(Answer.response_id == response_id))
    db.session.expunge(response)
    db.session.execute(delete(Response).where(Response.id == response_id))
    audit.record("response.erase", "response", response_id, after=facts, user_id=None)
    db.session.commit()
