"""Sent once per outcome, inside the transaction that records it on the row, by the sender
that held the row: a receiver that writes history writes it exactly once."""

from django.dispatch import Signal

# Sent by send_due() before it reads what is due: listeners queue their scheduled messages.
# Unlike the two below it is sent outside any transaction; a listener makes its own.
sending = Signal()
# message=<Message>
delivered = Signal()
# message=<Message>, error=<str>, final=<bool> (True: no more automatic tries)
failed = Signal()
# message=<Message>: not sent because its `send_by` had passed when a sender got to it.
expired = Signal()
