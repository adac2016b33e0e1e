"""The console's Flask app: CSRF on every form, staff sign-in on every page but the
sign-in page and the stylesheet, strict security headers."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from clinic_db.staff import SESSION_HOURS
from console import auth, consults, dashboard, inbox, records
from console.settings import Settings

logger = logging.getLogger(__name__)
# What a visitor who is not signed in may load: nothing with patient data.
PUBLIC_ENDPOINTS = {"auth.sign_in", "static"}
SECURITY_HEADERS = {
    # Only this console's own files; no inline script or style, no framing, no third party.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Pages hold patient data: no copy in the browser's or a proxy's cache.
    "Cache-Control": "no-store",
}
CHANNEL_NAMES = {"socketio": "Website chat", "sms": "SMS", "rest": "REST (integration)"}
csrf = CSRFProtect()


def create_app(settings: Settings) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.session_secret,
        SESSION_COOKIE_NAME="liondale_staff",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        WTF_CSRF_TIME_LIMIT=SESSION_HOURS * 3600,
        # Behind HTTP only the Referer check for HTTPS applies; the token is checked on every POST.
        WTF_CSRF_SSL_STRICT=settings.secure_cookies,
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    csrf.init_app(app)
    auth.login_manager.init_app(app)
    for blueprint in (auth.blueprint, inbox.blueprint, consults.blueprint, dashboard.blueprint, records.blueprint):
        app.register_blueprint(blueprint)
    app.before_request(require_staff)
    app.after_request(add_security_headers)
    app.register_error_handler(CSRFError, refuse_without_csrf)
    app.register_error_handler(HTTPException, polite_error)
    app.register_error_handler(Exception, unexpected_error)
    app.context_processor(lambda: {"sign_out_form": auth.SignOutForm(), "channel_names": CHANNEL_NAMES})
    return app


def require_staff() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    return auth.login_manager.unauthorized()


def add_security_headers(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    return response


def refuse_without_csrf(error: CSRFError) -> tuple[str, int]:
    message = "This form was out of date or not sent from the console. Go back, reload the page and try again."
    return render_template("error.html", title="Form refused", message=message), 400


def polite_error(error: HTTPException) -> tuple[str, int]:
    return render_template("error.html", title=error.name, message=error.description), error.code or 500


def unexpected_error(error: Exception) -> tuple[str, int]:
    """A database or network failure: a plain page for staff, the kind of error in the log (no data)."""
    logger.error("console request failed: %s", type(error).__name__)
    message = "Something went wrong on our side (is the database reachable?). Please try again in a moment."
    return render_template("error.html", title="Something went wrong", message=message), 500
