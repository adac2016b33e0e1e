"""Consult requests: the list (open first, possible duplicates flagged), one request with
its status and note, and a CSV export."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import Length

from clinic_db.consults import NOTE_MAX, all_requests, request_by_reference, set_status
from clinic_db.models import CONSULT_STATUSES, ConsultRequest
from clinic_db.staff import log_access

blueprint = Blueprint("consults", __name__)
LIST_SIZE = 500
EXPORT_SIZE = 100_000
CSV_COLUMNS = ("reference", "created_at", "status", "channel", "name", "contact", "preferred_time", "concern",
               "consent", "repeat_of", "note")
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class StatusForm(FlaskForm):
    status = SelectField("Status", choices=[(status, status.capitalize()) for status in CONSULT_STATUSES])
    note = TextAreaField("Note", validators=[Length(max=NOTE_MAX)])
    submit = SubmitField("Save")


def possible_duplicates(requests: list[ConsultRequest]) -> dict[str, list[str]]:
    """For each request, the others with the same contact or the same name (ignoring case and spaces)."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in requests:
        for field, value in (("contact", row.contact), ("name", row.name)):
            groups[(field, "".join(value.lower().split()))].append(row.reference)
    duplicates: dict[str, set[str]] = defaultdict(set)
    for references in groups.values():
        for reference in references:
            duplicates[reference].update(other for other in references if other != reference)
    return {reference: sorted(others) for reference, others in duplicates.items() if others}


@blueprint.route("/consults")
def consult_list() -> str:
    requests = all_requests(LIST_SIZE)
    log_access(current_user.email, "viewed", "list of consult requests")
    return render_template("consults.html", rows=requests, duplicates=possible_duplicates(requests))


@blueprint.route("/consults/<reference>", methods=["GET", "POST"])
def consult(reference: str) -> str | Response:
    row = request_by_reference(reference)
    if row is None:
        abort(404, "There is no consult request with that reference.")
    form = StatusForm(obj=row)
    if form.validate_on_submit():
        set_status(row.reference, form.status.data or "", (form.note.data or "").strip())
        log_access(current_user.email, f"set status {form.status.data}", f"consult request {row.reference}")
        flash(f"Saved: {row.reference} is {form.status.data}.", "success")
        return redirect(url_for("consults.consult", reference=row.reference))
    log_access(current_user.email, "viewed", f"consult request {row.reference}")
    others = possible_duplicates(all_requests(LIST_SIZE)).get(row.reference, [])
    return render_template("consult.html", row=row, form=form, duplicates=others)


def spreadsheet_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@blueprint.route("/consults.csv")
def export() -> Response:
    requests = all_requests(EXPORT_SIZE)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in requests:
        writer.writerow([spreadsheet_safe(getattr(row, column)) for column in CSV_COLUMNS])
    log_access(current_user.email, "exported", f"{len(requests)} consult requests (CSV)")
    return Response(
        buffer.getvalue(), mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=consult-requests.csv"},
    )
