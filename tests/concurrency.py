"""Races for tests: calls run in threads released together, each on its own database connection.

Row locks only mean something on PostgreSQL, so the tests that use this are ``@postgres_only`` and
``django_db(transaction=True)`` (each thread must see the committed data).
"""
import threading
from typing import Any, NamedTuple

from django.db import connection


class Outcome(NamedTuple):
    """What one racing call did: returned ``value`` or raised ``error``."""

    value: Any = None
    error: BaseException | None = None


def race(*calls, timeout=120) -> list[Outcome]:
    """Run ``calls`` at the same moment (a barrier releases them together); their outcomes in call order.

    An exception is the outcome of its call, never lost in the thread; a call still running after
    ``timeout`` seconds fails the test.
    """
    start = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            start.wait(timeout=30)
            outcomes[index] = Outcome(value=call())
        except Exception as exc:  # the test looks at it
            outcomes[index] = Outcome(error=exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), f"a racing call ran longer than {timeout} s"
    return outcomes


def errors(outcomes) -> list[BaseException]:
    """The exceptions the racing calls raised."""
    return [outcome.error for outcome in outcomes if outcome.error is not None]


def values(outcomes) -> list:
    """What the calls that did not raise returned."""
    return [outcome.value for outcome in outcomes if outcome.error is None]
