"""Fixtures of the reliability tests: re-use the documents fixtures (centre, clerk, case)."""
from tests.documents.conftest import applicant, case, centre, clerk  # noqa: F401 - pytest fixtures
