"""The access log: who viewed or changed which patient record, and when."""

from __future__ import annotations

from flask import Blueprint, render_template

from clinic_db.staff import access_log

blueprint = Blueprint("records", __name__)
LOG_PAGE_SIZE = 500


@blueprint.route("/access-log")
def access_log_page() -> str:
    return render_template("access_log.html", entries=access_log(LOG_PAGE_SIZE))
