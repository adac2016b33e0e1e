"""The metadata that marks who sent a message kept in a conversation as the assistant's:
a staff member's reply (their email, and whether it reached the patient), or a holding
reply sent while the conversation waited for staff. Channels write and read them; the
staff console shows them."""

STAFF_KEY, DELIVERED_KEY = "staff", "delivered"
HOLDING_REPLY_KEY = "holding_reply"
