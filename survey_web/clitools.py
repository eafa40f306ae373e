"""What several operator commands share: the hospital an option names."""

from __future__ import annotations

import click
from sqlalchemy import select

from .extensions import db
from .models import Hospital


def hospital_by_code(code: str | None) -> Hospital:
    """The hospital with CODE; without a code the only hospital, else a ClickException listing the codes."""
    if code:
        hospital = db.session.scalar(select(Hospital).where(Hospital.code == code))
        if hospital is None:
            raise click.ClickException(f"no hospital with code {code!r}")
        return hospital
    hospitals = list(db.session.scalars(select(Hospital).order_by(Hospital.code)))
    if len(hospitals) != 1:
        codes = ", ".join(h.code for h in hospitals) or "none yet"
        raise click.ClickException(f"choose a hospital with --hospital CODE ({codes})")
    return hospitals[0]
