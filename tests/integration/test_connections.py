"""Many connections and the limits on them: 10,000 idle clients, maxclients, and the
idle timeout."""

import resource
import select
import socket
import time

import pytest
import redis

from support.probes import drain_until_closed, info_field, parse_info, wait_until
from support.resp import ConnectionClosed, RawClient, parse_reply
from support.servers import start_ferrite

IDLE_CLIENTS = 10_000
BATCH = 500  # below the listen backlog, so no SYN is dropped while the server accepts


def connected_clients(port):
    return int(info_field(port, "connected_clients", "clients"))


def info(client, section):
    return parse_info(parse_reply(client.command("INFO", section)))


def rejected_connections(client):
    return int(info(client, "stats")["rejected_connections"])


@pytest.fixture
def many_fds():
    """Raises this process's open-files soft limit to its hard limit for the test."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = IDLE_CLIENTS + 100
    if hard != resource.RLIM_INFINITY and hard < needed:
        pytest.skip(f"RLIMIT_NOFILE hard limit {hard} is below the {needed} descriptors "
                    f"{IDLE_CLIENTS} connections need")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_ten_thousand_idle_connections(tmp_path, many_fds):
    server = start_ferrite(tmp_path, "--maxclients", str(IDLE_CLIENTS + 100))
    idle = []
    try:
        while len(idle) < IDLE_CLIENTS:
            for _ in range(BATCH):
                idle.append(socket.create_connection(("127.0.0.1", server.port), timeout=10))
            # The probing connection counts too, hence >=.
            wait_until(lambda: connected_clients(server.port) >= len(idle), timeout=30,
                       message=f"{len(idle)} connections accepted")
        with RawClient(server.port, timeout=10) as newcomer:
            assert newcomer.command("PING") == b"+PONG\r\n"

            def count():
                return int(info(newcomer, "clients")["connected_clients"])

            wait_until(lambda: count() == IDLE_CLIENTS + 1, timeout=30,
                       message=f"connected_clients == {IDLE_CLIENTS + 1}")
            assert newcomer.command("ECHO", "still fine") == b"$10\r\nstill fine\r\n"
            for sock in idle:
                sock.close()
            idle.clear()
            wait_until(lambda: count() == 1, timeout=30, message="connected_clients == 1")
        assert server.alive()
    finally:
        for sock in idle:
            sock.close()
        server.stop()


def test_maxclients(ferrite):
    with RawClient(ferrite.port) as admin:
        assert admin.command("CONFIG", "SET", "maxclients", "5") == b"+OK\r\n"
        others = [RawClient(ferrite.port) for _ in range(4)]
        try:
            for client in others:
                assert client.command("PING") == b"+PONG\r\n"
            before = rejected_connections(admin)
            # The sixth is told why, then closed.
            with RawClient(ferrite.port) as sixth:
                assert sixth.read_until_closed(timeout=10) == (
                    b"-ERR max number of clients reached\r\n")
            assert rejected_connections(admin) == before + 1
            # redis-py fails with a connection error (which one depends on whether it
            # reads the message before noticing the close; it may try twice).
            with pytest.raises(redis.ConnectionError):
                redis.Redis(port=ferrite.port, socket_timeout=10).ping()
            assert rejected_connections(admin) > before + 1
            assert info(admin, "clients")["connected_clients"] == "5"
            # The five connected clients are unaffected.
            for client in others:
                assert client.command("PING") == b"+PONG\r\n"
            # Once one leaves, a newcomer gets in (the close is noticed asynchronously).
            others.pop().close()

            def newcomer_accepted():
                with RawClient(ferrite.port) as c:
                    try:
                        return c.command("PING") == b"+PONG\r\n"
                    except (ConnectionClosed, OSError):
                        return False  # still full: rejected

            wait_until(newcomer_accepted, timeout=10, message="a newcomer to be accepted")
        finally:
            for client in others:
                client.close()


def test_idle_timeout(ferrite):
    with RawClient(ferrite.port) as active, RawClient(ferrite.port) as idle:
        assert active.command("CONFIG", "SET", "timeout", "1") == b"+OK\r\n"
        assert idle.command("PING") == b"+PONG\r\n"
        last_idle_interaction = time.monotonic()
        idle_closed_at = None
        started = time.monotonic()
        # Keep the active client busy for a while past the timeout; the idle one must
        # be closed meanwhile.
        while time.monotonic() - started < 8:
            assert active.command("PING") == b"+PONG\r\n"
            if idle_closed_at is None:
                readable, _, _ = select.select([idle.sock], [], [], 0)
                if readable:
                    closed, leftover = drain_until_closed(idle.sock, timeout=1)
                    assert closed and leftover == 0, "the idle client got data, not a close"
                    idle_closed_at = time.monotonic()
            elif time.monotonic() - started > 3.5:
                break
            time.sleep(0.2)
        assert idle_closed_at is not None, "the idle client was not closed within 8s"
        # Not before it was idle for the timeout (less a margin for when each side
        # stamped the last exchange).
        assert idle_closed_at - last_idle_interaction >= 0.9, "closed before it was idle 1s"
        assert active.command("ECHO", "alive") == b"$5\r\nalive\r\n"
        assert info(active, "clients")["connected_clients"] == "1"


def test_idle_client_stays_without_timeout(ferrite):
    with RawClient(ferrite.port) as idle, RawClient(ferrite.port) as observer:
        assert idle.command("CONFIG", "GET", "timeout") == b"*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n"
        idle_id = parse_reply(idle.command("CLIENT", "ID"))
        time.sleep(2.2)  # two client crons
        # CLIENT LIST counts the idle seconds and the age.
        line = parse_reply(observer.command("CLIENT", "LIST", "ID", idle_id)).decode().strip()
        fields = dict(pair.split("=", 1) for pair in line.split(" "))
        assert int(fields["idle"]) >= 2 and int(fields["age"]) >= 2, line
        assert fields["cmd"] == "client|id"
        assert idle.command("PING") == b"+PONG\r\n"
