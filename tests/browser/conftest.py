import pytest


@pytest.fixture(autouse=True)
def _shipped_data(shipped_data: None) -> None:
    """Every browser test starts with what the data migrations ship (`shipped_data`)."""
