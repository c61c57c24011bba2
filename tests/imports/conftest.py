from pathlib import Path

import pytest

from imports import progress, services
from tests.imports.helpers import doctors, sample_day

__all__ = ["doctors", "sample_day"]


@pytest.fixture(autouse=True)
def imports_run_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's database is one uncommitted transaction, which a thread's own connection cannot see."""
    monkeypatch.setattr(services, "launch", services.import_and_record)


@pytest.fixture(autouse=True)
def progress_in_the_test_s_own_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Progress files of the tests' uploads stay out of the directory a server on this machine reads."""
    monkeypatch.setattr(progress, "_directory", lambda: tmp_path)
