"""Fixtures shared by the integration and differential tests."""

import pytest

from support.servers import start_ferrite, start_redis


@pytest.fixture
def ferrite(tmp_path):
    """A fresh ferrite-server for one test."""
    server = start_ferrite(tmp_path)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def shared_ferrite(tmp_path_factory):
    """One ferrite-server for every test of a module (tests must not change its config)."""
    server = start_ferrite(tmp_path_factory.mktemp("ferrite"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def shared_redis(tmp_path_factory):
    """The reference redis-server 7.0 for a module's differential tests."""
    server = start_redis(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()
