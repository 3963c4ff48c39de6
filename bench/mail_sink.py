"""An email backend for the sweep benchmark: every message turned into bytes, then dropped.

Serialising is part of what a real send costs (the SMTP backend does the same
before DATA), so it is done and counted here; the network is left out, and
measured apart with a local SMTP server (bench/sweep_workers.py).
"""

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    # Class-wide, since the sweep asks the mailers for a backend of its own.
    sent = 0
    sent_bytes = 0

    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            type(self).sent_bytes += len(message.message().as_bytes())
            count += 1
        type(self).sent += count
        return count
