"""Handing work to the Celery broker where a database row is the real queue (outbox notices, queued
documents, arrivals awaiting their 移送函): the broker is only the fast path."""
import logging

logger = logging.getLogger(__name__)


def delay_best_effort(task, *args, waiting: str) -> bool:
    """``task.delay(*args)``; with the broker down, one warning and ``False`` instead of an error.

    The change that asked for the work has committed: failing here would turn a saved change into an
    error page, and a beat sweep hands the row over again later. ``waiting`` names what waits, for the log.
    """
    try:
        task.delay(*args)
    except Exception as exc:  # broker unreachable: kombu/redis raise various errors
        # One line, no traceback: an outage logs this for every notice of every request.
        logger.warning("broker unavailable (%s); %s", exc, waiting)
        return False
    return True
