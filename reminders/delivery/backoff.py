"""How long a failed send waits before it is tried again (reminders and digests alike)."""

from datetime import timedelta

# After a failed send: 5, 10, 20, 40 … minutes, never more than 4 hours, so a
# mail server that is down overnight is retried through the night but not
# hammered every minute.
BACKOFF_START = timedelta(minutes=5)
BACKOFF_CAP = timedelta(hours=4)


def backoff(attempts):
    """How long to wait before retrying a send that has failed `attempts` times."""
    return min(BACKOFF_START * 2 ** min(attempts, 10), BACKOFF_CAP)
