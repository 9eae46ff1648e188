"""What other apps add to the traveller's booking page without bookings importing them."""

from django.dispatch import Signal

# Sent with `request` and `booking` when the booking page is rendered; a receiver returns HTML
# rendered from its own template (the payments app: what is due now and its pay buttons), or
# "" for nothing. With no receiver answering, the page shows the payment instructions alone.
booking_page_payment = Signal()
