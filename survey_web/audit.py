"""Recording staff changes in the audit log (added to the caller's transaction)."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from .extensions import db
from .models import AuditEvent


def record(action: str, entity: str, entity_id: int | None, before: dict | None = None,
           after: dict | None = None, user_id: int | None = None) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes."""
    if user_id is None and has_request_context() and current_user.is_authenticated:
        user_id = current_user.id
    event = AuditEvent(action=action, entity=entity, entity_id=entity_id, before=before, after=after,
                       user_id=user_id, ip=request.remote_addr if has_request_context() else None)
    db.session.add(event)
    return event
