"""What the catalogue tells the apps that depend on it (treks imports none of them)."""

from django.dispatch import Signal

# Staff cancelled a departure or moved it to another date, in admin. Sent once per change,
# inside the transaction that makes it, by the writer that changed the row:
# departure=<Departure>, cancelled=<bool>, old_start_date=<date>, actor=<User or None>.
departure_changed = Signal()
