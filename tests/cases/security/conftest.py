import datetime

import axes.attempts
import axes.handlers.proxy
import pytest
from django.utils import timezone


@pytest.fixture
def move_clock(monkeypatch):
    """Move Django's clock (``timezone.now``: sessions, axes) to ``minutes`` from the real now."""
    real_now = timezone.now

    def move(minutes):
        shifted = real_now() + datetime.timedelta(minutes=minutes)
        monkeypatch.setattr(timezone, "now", lambda: shifted)
        monkeypatch.setattr(axes.attempts, "now", lambda: shifted)  # imported by name there
        monkeypatch.setattr(axes.handlers.proxy, "now", lambda: shifted)

    return move
