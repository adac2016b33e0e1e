"""How the assistant is doing: figures and charts for a chosen period (console/figures.py).
Chart.js comes from the console's own node_modules (console/package.json), never a CDN."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from flask import Blueprint, flash, render_template, request, send_from_directory
from flask_login import current_user
from werkzeug.wrappers import Response

from clinic_db.staff import log_access
from console.figures import UNANSWERED_SAMPLE, figures

blueprint = Blueprint("dashboard", __name__)
CHART_JS = Path(__file__).resolve().parent / "node_modules" / "chart.js" / "dist"
DEFAULT_DAYS = 30
MAX_DAYS = 366


def chosen_period() -> tuple[date, date]:
    """From the form (YYYY-MM-DD), else the last 30 days; a bad or too long period gets a message."""
    today = datetime.now(timezone.utc).date()
    default = (today - timedelta(days=DEFAULT_DAYS - 1), today)
    if "from" not in request.args and "to" not in request.args:
        return default
    try:
        first, last = date.fromisoformat(request.args["from"]), date.fromisoformat(request.args["to"])
    except (KeyError, ValueError):
        flash("Please give both dates as YYYY-MM-DD; showing the last 30 days.", "error")
        return default
    if last < first or last > today or (last - first).days >= MAX_DAYS:
        flash(f"The period must run forwards, end by today and last at most {MAX_DAYS} days; "
              "showing the last 30 days.", "error")
        return default
    return first, last


@blueprint.route("/dashboard")
def dashboard() -> str:
    first, last = chosen_period()
    numbers = figures(first, last)
    log_access(current_user.email, "viewed", f"dashboard {first} to {last} (unanswered messages)")
    charts = {
        "days": numbers.days,
        "conversations": numbers.conversations_per_day,
        "messages": numbers.messages_per_day,
        "topics": [topic for topic, _ in numbers.topics],
        "topic_counts": [count for _, count in numbers.topics],
    }
    return render_template("dashboard.html", figures=numbers, charts=charts, sample=UNANSWERED_SAMPLE)


@blueprint.route("/vendor/chart.umd.min.js")
def chart_js() -> Response:
    return send_from_directory(CHART_JS, "chart.umd.min.js", mimetype="text/javascript")
