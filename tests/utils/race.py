"""Two transactions racing for the same row, each in its own thread and database connection.

    results = race(
        lambda: services.decide(pk, accept=False),  # holds the row lock for `hold` seconds
        lambda: services.decide(pk, accept=True),  # starts once the first holds the lock
    )
    assert results["first"] == "won"
    assert isinstance(results["second"], ValidationError)

`first` runs inside `transaction.atomic()` and keeps its transaction (and its row locks) open for
`hold` seconds after it returns; `second` starts as soon as `first` has returned inside that
transaction (or failed). Each result is "won" or the exception the callable raised. Row locks exist
on PostgreSQL only: on SQLite the whole write transaction is serialised.
"""

import threading
import time

from django.db import connection, transaction


def race(first, second, *, hold=0.5, timeout=10):
    first_holds_lock = threading.Event()
    results = {}

    def run_first():
        try:
            with transaction.atomic():
                first()
                first_holds_lock.set()
                time.sleep(hold)  # the second starts while this transaction still holds the row
            results["first"] = "won"
        except Exception as exc:  # noqa: BLE001
            results["first"] = exc
        finally:
            first_holds_lock.set()
            connection.close()

    def run_second():
        try:
            first_holds_lock.wait(5)
            second()
            results["second"] = "won"
        except Exception as exc:  # noqa: BLE001
            results["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results
