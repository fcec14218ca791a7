"""The hand-counted world (``tests/statistics/world.py``), built with the clock at 2026-03-31 18:00 and refreshed."""
import pytest

from cases.statistics.refresh import refresh_aggregates
from tests.statistics.world import build_world, install_clock

MARCH = {"period": "custom", "date_from": "2026-03-01", "date_to": "2026-03-31"}


@pytest.fixture
def clock(monkeypatch):
    return install_clock(monkeypatch)


@pytest.fixture
def world(roles, clock):
    world = build_world(clock)
    refresh_aggregates()
    return world
