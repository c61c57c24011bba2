"""The integration account most API tests act as (a Physician, as an EHR interface is set up), and its token."""

import pytest

from tests.api.helpers import bearer, integration_account, token_for


@pytest.fixture
def account():
    return integration_account()


@pytest.fixture
def auth(account):
    return bearer(token_for(account))
