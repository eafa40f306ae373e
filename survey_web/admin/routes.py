"""Staff accounts (list, create, deactivate, reset a password) and the audit log, read-only."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from .. import audit
from ..accounts.passwords import hash_password, password_problem
from ..accounts.scope import roles_required
from ..extensions import db
from ..forms import EmptyForm, posted
from ..jobs.dead_letters import MAX_ATTEMPTS, dead_letter_rows, dead_letter_summary, retry_failed
from ..models import AuditEvent, Department, Hospital, User
from ..web.display import show_dt
from ..web.paging import paginate
from . import bp
from .forms import AuditFilterForm, PasswordForm, UserForm

PER_PAGE = 100


@bp.context_processor
def admin_helpers() -> dict:
    """Helpers for admin templates."""
    return {"show_dt": show_dt,
            "pretty": lambda value: json.dumps(value, ensure_ascii=False, indent=1, default=str)}


@bp.get("/")
@roles_required("admin")
def index():
    """Every staff account."""
    users = db.session.scalars(select(User).order_by(User.active.desc(), User.role, User.username)).all()
    return render_template("admin/users.html", users=users, form=EmptyForm(), password_form=PasswordForm())


def _user_form() -> UserForm:
    form = UserForm()
    hospitals = db.session.scalars(select(Hospital).order_by(Hospital.code)).all()
    form.hospital.choices = [SelectChoice("", _("None (administrators)"))] + [
        SelectChoice(str(h.id), h.name) for h in hospitals]
    form.hospitals.choices = [SelectChoice(str(h.id), h.name) for h in hospitals]
    departments = db.session.scalars(select(Department).order_by(Department.hospital_id, Department.code)).all()
    form.department.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(str(d.id), f"{d.hospital.name} · {d.name}") for d in departments]
    return form


def _check(form: UserForm) -> tuple[Hospital | None, Department | None, list[Hospital]]:
    """The account's scope from FORM, adding errors to it when the combination does not make sense."""
    hospital = db.session.get(Hospital, int(form.hospital.data)) if form.hospital.data else None
    department = db.session.get(Department, int(form.department.data)) if form.department.data else None
    overseen = [db.session.get(Hospital, int(h)) for h in form.hospitals.data or []]
    role = form.role.data
    if problem := password_problem(form.password.data or "", form.username.data):
        form.password.errors.append(problem)
    if db.session.scalar(select(User.id).where(User.username == form.username.data.lower())):
        form.username.errors.append(_("This username is taken."))
    if role == "commission":
        if not overseen:
            form.hospitals.errors.append(_("Choose the hospitals this account oversees."))
        hospital = hospital or (overseen[0] if overseen else None)
    elif role != "admin" and hospital is None:
        form.hospital.errors.append(_("Choose the hospital."))
    if role == "dept_head" and (department is None or hospital is None or department.hospital_id != hospital.id):
        form.department.errors.append(_("A department head needs a department of the chosen hospital."))
    if role != "dept_head":
        department = None
    if role == "admin":
        hospital = None
    return hospital, department, overseen if role == "commission" else []


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    """Create a staff account with its role and scope."""
    form = _user_form()
    if form.validate_on_submit():
        hospital, department, overseen = _check(form)
        if not any(field.errors for field in form):
            user = User(username=form.username.data.lower(), display_name=form.display_name.data,
                        role=form.role.data, password_hash=hash_password(form.password.data), hospital=hospital,
                        department=department, hospitals=overseen)
            db.session.add(user)
            db.session.flush()
            audit.record("create", "user", user.id, after={
                "username": user.username, "role": user.role, "hospital_id": hospital.id if hospital else None,
                "department_id": department.id if department else None, "hospitals": [h.id for h in overseen]})
            db.session.commit()
            flash(_("Account %(name)s created.", name=user.username))
            return redirect(url_for("admin.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form), status


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/users/<int:user_id>/active")
@roles_required("admin")
def set_active(user_id: int):
    """Deactivate (and sign out) or reactivate an account."""
    user = posted(_user_or_404(user_id))
    active = request.form.get("active") == "1"
    if user.id == current_user.id and not active:
        flash(_("You cannot deactivate your own account."))
        return redirect(url_for("admin.index"))
    if user.active != active:
        user.active = active
        user.session_version += 1  # signs the account out everywhere
        audit.record("activate" if active else "deactivate", "user", user.id, before={"active": not active},
                     after={"active": active})
        db.session.commit()
        flash(_("Account %(name)s is now active.", name=user.username) if active
              else _("Account %(name)s is deactivated and signed out.", name=user.username))
    return redirect(url_for("admin.index"))


@bp.post("/users/<int:user_id>/password")
@roles_required("admin")
def reset_password(user_id: int):
    """Set a new password and sign the account out everywhere."""
    user = _user_or_404(user_id)
    form = PasswordForm()
    if not form.validate_on_submit():
        abort(400)
    if problem := password_problem(form.password.data, user.username):
        flash(_("Password not changed: %(problem)s.", problem=problem))
        return redirect(url_for("admin.index"))
    user.password_hash = hash_password(form.password.data)
    user.session_version += 1
    audit.record("reset_password", "user", user.id)  # never the password or its hash
    db.session.commit()
    flash(_("Password of %(name)s reset; the account was signed out everywhere.", name=user.username))
    return redirect(url_for("admin.index"))


@bp.post("/users/<int:user_id>/two-factor/reset")
@roles_required("admin")
def reset_two_factor(user_id: int):
    """Forget an account's authenticator (a lost phone): it enrols again at its next sign-in."""
    user = posted(_user_or_404(user_id))
    if user.totp_secret is not None:
        user.totp_secret = user.totp_last_step = None
        user.session_version += 1
        audit.record("reset_two_factor", "user", user.id)
        db.session.commit()
        flash(_("Two-step sign-in of %(name)s reset; the account was signed out everywhere.", name=user.username))
    return redirect(url_for("admin.index"))


@bp.get("/audit")
@roles_required("admin")
def audit_log():
    """The audit log, newest first, filtered; read-only."""
    form = AuditFilterForm(request.args)
    users = db.session.scalars(select(User).order_by(User.username)).all()
    form.user.choices = [SelectChoice("", _("Everyone"))] + [
        SelectChoice(str(u.id), f"{u.username} · {u.display_name}") for u in users]
    form.validate()
    query = select(AuditEvent, User.username).outerjoin(User, User.id == AuditEvent.user_id)
    if form.entity.data and not form.entity.errors:
        query = query.where(AuditEvent.entity == form.entity.data)
    if form.entity_id.data and not form.entity_id.errors:
        query = query.where(AuditEvent.entity_id == int(form.entity_id.data))
    if form.action.data and not form.action.errors:
        query = query.where(AuditEvent.action == form.action.data)
    if form.user.data and not form.user.errors:
        query = query.where(AuditEvent.user_id == int(form.user.data))
    page = paginate(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()),
                    request.args.get("page", 1, type=int), PER_PAGE)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/audit.html", form=form, page=page, args=args)


@bp.get("/dead-letters")
@roles_required("admin")
def dead_letters():
    """Comments whose classification kept failing, oldest first, with a button to retry them all."""
    return render_template("admin/dead_letters.html", rows=dead_letter_rows(), summary=dead_letter_summary(), max_attempts=MAX_ATTEMPTS,
                           form=EmptyForm())


@bp.post("/dead-letters/retry")
@roles_required("admin")
def retry_dead_letters():
    """Put every dead letter back to pending and enqueue it (after the cause was fixed)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    retried = retry_failed()
    audit.record("retry_failed", "comment", None, after={"count": retried})
    db.session.commit()
    flash(_("%(count)d comments were sent for classification again.", count=retried))
    return redirect(url_for("admin.dead_letters"))
