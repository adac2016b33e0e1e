"""The inbox of handoffs and each conversation's page: transcript, reply, hand back."""

from __future__ import annotations

import urllib.error

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from clinic_db.handoffs import all_handoffs, close_handoff, handoff_by_id
from clinic_db.models import Handoff
from clinic_db.staff import log_access
from console.conversations import patients, transcript, urgent_conversations
from console.replies import MAX_REPLY_CHARS, ReplyNotSent, send_reply
from staff.bot_api import addressable, resume_conversation

blueprint = Blueprint("inbox", __name__)
INBOX_SIZE = 200


class ReplyForm(FlaskForm):
    text = TextAreaField("Reply", validators=[InputRequired(), Length(max=MAX_REPLY_CHARS)])
    submit = SubmitField("Send")


class HandBackForm(FlaskForm):
    submit = SubmitField("Hand back")


def record_name(handoff: Handoff) -> str:
    return f"handoff {handoff.id} ({handoff.conversation_id})"


def open_handoff_or_404(handoff_id: int) -> Handoff:
    handoff = handoff_by_id(handoff_id)
    if handoff is None:
        abort(404, "There is no such handoff.")
    return handoff


@blueprint.route("/")
def inbox() -> str:
    handoffs = all_handoffs(INBOX_SIZE)
    ids = [handoff.conversation_id for handoff in handoffs]
    log_access(current_user.email, "viewed", "inbox of handoffs")
    return render_template(
        "inbox.html", handoffs=handoffs, urgent=urgent_conversations(ids), patients=patients(ids)
    )


@blueprint.route("/handoffs/<int:handoff_id>")
def conversation(handoff_id: int) -> str:
    handoff = open_handoff_or_404(handoff_id)
    return show_conversation(handoff, ReplyForm())


def show_conversation(handoff: Handoff, form: ReplyForm, status: int = 200) -> tuple[str, int]:
    log_access(current_user.email, "viewed", record_name(handoff))
    cid = handoff.conversation_id
    page = render_template(
        "conversation.html", handoff=handoff, lines=transcript(cid), patient=patients([cid])[cid],
        urgent=bool(urgent_conversations([cid])), form=form, hand_back=HandBackForm(),
    )
    return page, status


@blueprint.route("/handoffs/<int:handoff_id>/reply", methods=["POST"])
def reply(handoff_id: int) -> Response | tuple[str, int]:
    handoff = open_handoff_or_404(handoff_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return show_conversation(handoff, form, 400)
    try:
        sent = send_reply(handoff.conversation_id, handoff.channel, (form.text.data or "").strip(), current_user.email)
    except ReplyNotSent as problem:
        flash(str(problem), "error")
        return show_conversation(handoff, form, 502)
    log_access(current_user.email, "replied" if sent.delivered else "noted", record_name(handoff))
    flash(sent.summary, "success" if sent.delivered else "warning")
    return redirect(url_for("inbox.conversation", handoff_id=handoff.id))


@blueprint.route("/handoffs/<int:handoff_id>/hand-back", methods=["POST"])
def hand_back(handoff_id: int) -> Response | tuple[str, int]:
    """Resume the assistant; the handoff is closed only once that worked."""
    handoff = open_handoff_or_404(handoff_id)
    if not HandBackForm().validate_on_submit():
        abort(400)
    if handoff.status != "open":
        flash("This handoff was already handed back.", "warning")
    elif not addressable(handoff.conversation_id):
        flash("The assistant cannot be resumed in this conversation (its id cannot be addressed through the "
              "bot's API); the handoff stays open. The patient can send /restart to start over.", "error")
    else:
        try:
            resume_conversation(handoff.conversation_id)
        except (urllib.error.URLError, OSError):
            flash("The assistant's server could not be reached, so the handoff stays open. Try again.", "error")
            return redirect(url_for("inbox.conversation", handoff_id=handoff.id))
        close_handoff(handoff.id)
        log_access(current_user.email, "handed back", record_name(handoff))
        flash("Handed back: the assistant answers this conversation again.", "success")
    return redirect(url_for("inbox.conversation", handoff_id=handoff.id))
