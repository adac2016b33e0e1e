"""Custom actions run by the rasa-sdk action server (`rasa run actions --actions actions`)."""

from actions.booking_form import ValidateConsultForm
from actions.booking_submit import ActionCancelBooking, ActionClearBooking, ActionSubmitConsult
from actions.disclaimer import ActionShowDisclaimer
from actions.handoff import ActionHandoff
from actions.which_answer import ActionAskWhichAnswer, ActionGiveChosenAnswer

__all__ = [
    "ActionAskWhichAnswer",
    "ActionCancelBooking",
    "ActionClearBooking",
    "ActionGiveChosenAnswer",
    "ActionHandoff",
    "ActionShowDisclaimer",
    "ActionSubmitConsult",
    "ValidateConsultForm",
]
