import pytest

from tests.shipped import replay_data_migrations


@pytest.fixture(autouse=True)
def shipped_data(transactional_db: None) -> None:
    """Put back what the data migrations ship (roles, catalog, rules) after a transactional flush.

    Django's serialized rollback cannot be relied on here: Playwright's event loop gives the ORM a
    fresh connection object that may lack the snapshot taken at setup.
    """
    replay_data_migrations()
