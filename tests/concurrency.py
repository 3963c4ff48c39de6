"""Run one callable in several threads at once, as separate processes would."""

import threading

from django.db import connection


def run_at_once(func, *, count, timeout=120):
    """Start `count` threads together on `func`; return (results, errors).

    Each thread has its own database connection, like separate requests or
    workers, and closes it when done so the test database can be dropped.
    """
    start = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            start.wait()
            results.append(func())
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results, errors
