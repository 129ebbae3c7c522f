import pytest
from django.core.exceptions import ImproperlyConfigured

from pooling.core.env import env_bool, env_int, env_list


def test_bad_boolean_fails_loudly(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", default=False)


def test_bad_integer_fails_loudly(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", default=1)


def test_values_are_parsed(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "yes")
    monkeypatch.setenv("SOME_LIST", "a.example, b.example,")
    assert env_bool("SOME_FLAG", default=False) is True
    assert env_list("SOME_LIST", default=[]) == ["a.example", "b.example"]
