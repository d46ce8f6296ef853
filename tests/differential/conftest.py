"""Fixtures for the differential tests: a redis-server and a ferrite-server side by side."""

import pytest

from support.servers import start_ferrite, start_redis


@pytest.fixture(scope="module")
def server_ports(shared_redis, shared_ferrite):
    """(redis port, ferrite port) of the module's shared pair. Tests may change the
    servers' state only if they restore it."""
    return shared_redis.port, shared_ferrite.port


@pytest.fixture
def start_server_pair(tmp_path):
    """Starts a dedicated redis-server and ferrite-server with the same extra arguments
    (e.g. "--requirepass", "secret"), stopped at the end of the test; returns their ports."""
    started = []

    def start(*args):
        redis = start_redis(tmp_path / "redis", *args)
        started.append(redis)
        ferrite = start_ferrite(tmp_path / "ferrite", *args)
        started.append(ferrite)
        return redis.port, ferrite.port

    yield start
    for server in started:
        server.stop()
