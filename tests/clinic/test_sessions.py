"""A signed-in page reads its session in one plain statement, and an expired or unknown session is never read."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from clinic.sessions import SessionStore

pytestmark = pytest.mark.django_db


def saved_session(**data: object) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    assert store.session_key is not None
    return store.session_key


def test_the_clinic_uses_this_store():
    assert settings.SESSION_ENGINE == "clinic.sessions"


def test_a_saved_session_reads_back_in_one_query(django_assert_num_queries):
    key = saved_session(user="42", step="verified")
    with django_assert_num_queries(1):
        assert SessionStore(key).load() == {"user": "42", "step": "verified"}


def test_an_expired_session_reads_as_empty_and_its_key_is_dropped():
    key = saved_session(user="42")
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


def test_an_unknown_key_reads_as_empty():
    store = SessionStore("x" * 32)
    assert store.load() == {}
    assert store.session_key is None


def test_a_session_about_to_expire_still_reads():
    key = saved_session(user="42")
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + datetime.timedelta(seconds=30))
    assert SessionStore(key).load() == {"user": "42"}
