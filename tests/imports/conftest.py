import pytest

from imports import services
from tests.imports.helpers import doctors, sample_day

__all__ = ["doctors", "sample_day"]


@pytest.fixture(autouse=True)
def imports_run_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's database is one uncommitted transaction, which a thread's own connection cannot see."""
    monkeypatch.setattr(services, "launch", services.import_and_record)
