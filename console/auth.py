"""Sign-in and sign-out. Every other page needs a signed-in staff member (app.py)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import InputRequired, Length

from clinic_db.staff import (
    FAILURES_BEFORE_LOCKOUT,
    LOCKOUT_MINUTES,
    check_password,
    end_session,
    locked_until,
    session_user,
    start_session,
)

blueprint = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Please sign in to see that page."
# A session cookie copied to another browser or address is not honoured.
login_manager.session_protection = "strong"
WRONG_PASSWORD = "That email and password do not match an account."
LOCKED = (
    f"Sign-in for this email is paused for {LOCKOUT_MINUTES} minutes after {FAILURES_BEFORE_LOCKOUT} "
    "wrong passwords. Try again later, or ask a colleague to reset the password with make staff-user."
)


@dataclass
class StaffMember(UserMixin):
    """Flask-Login's user: its id is the session's token, so signing out ends the session on the server."""

    token: str
    email: str

    def get_id(self) -> str:
        return self.token


@login_manager.user_loader
def load_staff_member(token: str) -> StaffMember | None:
    user = session_user(token)
    return StaffMember(token, user.email) if user is not None else None


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=254)], render_kw={"autocomplete": "username"})
    password = PasswordField(
        "Password", validators=[InputRequired(), Length(max=200)], render_kw={"autocomplete": "current-password"}
    )
    submit = SubmitField("Sign in")


class SignOutForm(FlaskForm):
    submit = SubmitField("Sign out")


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> str | Response:
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data or ""
        staff_id = check_password(email, form.password.data or "")
        if staff_id is not None:
            login_user(StaffMember(start_session(staff_id), email.strip().lower()))
            return redirect(url_for("inbox.inbox"))
        flash(LOCKED if locked_until(email) else WRONG_PASSWORD, "error")
        return render_template("sign_in.html", form=form), 401
    return render_template("sign_in.html", form=form)


@blueprint.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    if SignOutForm().validate_on_submit() and current_user.is_authenticated:
        end_session(current_user.token)
        logout_user()
    return redirect(url_for("auth.sign_in"))
