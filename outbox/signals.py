"""Sent once per outcome, inside the transaction that records it on the row, by the sender
that held the row: a receiver that writes history writes it exactly once."""

from django.dispatch import Signal

# message=<Message>
delivered = Signal()
# message=<Message>, error=<str>, final=<bool> (True: no more automatic tries)
failed = Signal()
