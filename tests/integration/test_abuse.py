"""Clients that abuse the server: 2 GB of garbage, a well-formed request too large for
the query buffer, and clients that never read their replies. In every case the server
cuts the offender off, keeps answering everyone else, and gives the memory back."""

import socket
import struct
import time

import pytest

from support.flood import Flood, huge_request_stream, random_stream
from support.probes import (drain_until_closed, info_field, is_closed_error, rss_bytes,
                            wait_until)
from support.resp import RawClient, encode_command, parse_reply

MB = 1 << 20
GB = 1 << 30
# Resident memory an idle server must return to once an abuser is gone. An idle
# Ferrite holds a few MB; the abusers below make it hold up to 1 GB or more.
IDLE_RSS_BOUND = 64 * MB
ECHO_100KB = encode_command("ECHO", b"e" * (100 * 1024))


def ping_while(server, busy, timeout=60.0):
    """PINGs the server from another connection until busy() is false; every PING
    must be answered. Returns how many were."""
    answered = 0
    deadline = time.monotonic() + timeout
    with RawClient(server.port, timeout=10) as bystander:
        while busy() and time.monotonic() < deadline:
            assert bystander.command("PING") == b"+PONG\r\n"
            answered += 1
            time.sleep(0.02)
        assert bystander.command("PING") == b"+PONG\r\n"
    return answered + 1


def assert_server_recovers(server):
    """Once the abuser is gone the server holds no more connections than the one
    asking, and gives the memory back."""
    assert server.alive()
    wait_until(lambda: info_field(server.port, "connected_clients", "clients") == "1",
               timeout=10, message="connected_clients == 1")
    wait_until(lambda: rss_bytes(server.pid) < IDLE_RSS_BOUND, timeout=15,
               message=f"VmRSS of the server below {IDLE_RSS_BOUND // MB} MB")


def config_set(server, *args):
    with RawClient(server.port) as admin:
        assert admin.command("CONFIG", "SET", *args) == b"+OK\r\n"


# --- streams of garbage and oversized requests ---------------------------------------


@pytest.mark.parametrize("seed,prefix", [(1, b""), (2, b"*"), (3, b"*3\r\n$3\r\nSET\r\n")],
                         ids=["random", "star-then-random", "valid-header-then-random"])
def test_random_garbage_gets_protocol_error_and_close(ferrite, seed, prefix):
    def stream():
        yield prefix
        yield from random_stream(seed, total=2 * GB)

    flood = Flood(ferrite.port, stream()).start()
    try:
        ping_while(ferrite, flood.sending)
        assert flood.join(timeout=60), "the garbage stream is still going"
    finally:
        flood.close()
    assert is_closed_error(flood.send_error), f"the stream ended with {flood.send_error!r}"
    assert flood.closed_by_server
    # Cut off long before 2 GB: what the kernels' socket buffers hold, and little more.
    assert flood.sent < 256 * MB, f"{flood.sent} bytes were accepted"
    last_line = bytes(flood.received).rstrip(b"\r\n").rsplit(b"\r\n", 1)[-1]
    assert last_line.startswith(b"-ERR Protocol error: "), bytes(flood.received[-300:])
    assert ferrite.alive()
    assert_server_recovers(ferrite)


def check_huge_request_is_cut_off(server, limit):
    """Streams a 2 GB request of 512 MB arguments and expects the connection to be
    closed, without a reply, once the query buffer passes `limit` bytes."""
    flood = Flood(server.port, huge_request_stream(total=2 * GB)).start()
    try:
        ping_while(server, flood.sending, timeout=120)
        assert flood.join(timeout=60), "the request stream is still going"
    finally:
        flood.close()
    assert is_closed_error(flood.send_error), f"the stream ended with {flood.send_error!r}"
    assert flood.closed_by_server
    assert flood.received == b"", "a query buffer overflow gets no reply"
    # More than the limit had to arrive, and not much more was accepted.
    assert limit < flood.sent < limit + 256 * MB, f"{flood.sent} bytes were accepted"
    assert server.alive()
    wait_until(lambda: "reached max query buffer length" in server.log_path.read_text(),
               timeout=10, message="the query buffer overflow in the log")
    assert_server_recovers(server)


def test_huge_request_over_lowered_query_buffer_limit(ferrite):
    config_set(ferrite, "client-query-buffer-limit", "16mb")
    check_huge_request_is_cut_off(ferrite, 16 * MB)


def test_huge_request_over_default_query_buffer_limit(ferrite):
    with RawClient(ferrite.port) as admin:
        limit = parse_reply(admin.command("CONFIG", "GET", "client-query-buffer-limit"))[1]
    assert int(limit) == GB
    check_huge_request_is_cut_off(ferrite, GB)


def test_query_buffer_limit_after_answered_requests(ferrite):
    # A complete command, then a request whose 100 MB argument never fits under a 2 MB
    # limit: the command is answered, then the client is closed without another reply.
    config_set(ferrite, "client-query-buffer-limit", "2mb")

    def stream():
        yield encode_command("PING") + b"*2\r\n$4\r\nECHO\r\n$%d\r\n" % (100 * MB)
        block = memoryview(b"b" * MB)
        for _ in range(100):
            yield block

    flood = Flood(ferrite.port, stream()).start()
    try:
        assert flood.join(timeout=60)
    finally:
        flood.close()
    assert flood.received == b"+PONG\r\n"
    assert flood.closed_by_server
    assert flood.sent < 100 * MB


def test_large_legal_request_and_reply(ferrite):
    # 100 MB in, 100 MB out, for a client that reads: answered in full, and the memory
    # is given back afterwards.
    size = 100 * MB
    value = b"L" * size
    with RawClient(ferrite.port, timeout=60) as client:
        client.send(encode_command("ECHO", value))
        header = b"$%d\r\n" % size
        expected_length = len(header) + size + 2
        received = bytearray()
        while len(received) < expected_length:
            chunk = client.sock.recv(4 * MB)
            assert chunk, "closed before the whole reply arrived"
            received += chunk
        assert received[:len(header)] == header
        assert received[-2:] == b"\r\n"
        assert received[len(header):-2] == value
        assert client.command("PING") == b"+PONG\r\n"
    assert_server_recovers(ferrite)


def test_clients_vanishing_mid_command(ferrite):
    # Connections that send commands answered later (CLIENT LIST, CONFIG SET and CLIENT
    # KILL gather from every thread) and go away at once, some with a reset.
    requests = (b"CLIENT LIST\r\nCONFIG SET timeout 0\r\nCLIENT KILL ID 999999\r\n"
                + ECHO_100KB + b"CLIENT LIST\r\n")
    for i in range(200):
        sock = socket.create_connection(("127.0.0.1", ferrite.port), timeout=10)
        if i % 2:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.sendall(requests)
        sock.close()
    with RawClient(ferrite.port) as client:
        assert client.command("PING") == b"+PONG\r\n"
    wait_until(lambda: info_field(ferrite.port, "connected_clients", "clients") == "1",
               timeout=10, message="connected_clients == 1")
    assert ferrite.alive()


# --- clients that never read ----------------------------------------------------------


def non_reading_client(port):
    """A connection with a small receive buffer that will never be read after its
    CLIENT ID reply; returns (socket, client id)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    sock.sendall(encode_command("CLIENT", "ID"))
    reply = b""
    while not reply.endswith(b"\r\n"):
        reply += sock.recv(64)
    return sock, int(reply[1:-2])


def client_entry(admin, client_id):
    """The CLIENT LIST fields of one client, or None when it is gone."""
    text = parse_reply(admin.command("CLIENT", "LIST", "ID", client_id)).decode()
    if not text.strip():
        return None
    return dict(pair.split("=", 1) for pair in text.strip().split(" "))


def test_non_reading_client_does_not_block_others(ferrite):
    sock, client_id = non_reading_client(ferrite.port)
    try:
        with RawClient(ferrite.port) as other:
            for round_ in range(30):
                for _ in range(10):
                    sock.sendall(ECHO_100KB)
                assert other.command("ECHO", f"round {round_}") == (
                    b"$%d\r\nround %d\r\n" % (len(f"round {round_}"), round_))
            # 30 MB of replies are waiting: no limit applies by default, so the
            # client stays, holding them.
            entry = wait_until(lambda: client_entry(other, client_id), timeout=5,
                               message="the non-reading client in CLIENT LIST")
            assert int(entry["omem"]) > 10 * MB
            assert other.command("PING") == b"+PONG\r\n"
    finally:
        sock.close()
    assert_server_recovers(ferrite)


def test_output_hard_limit_disconnects(ferrite):
    config_set(ferrite, "client-output-buffer-limit", "normal 1mb 0 0")
    sock, client_id = non_reading_client(ferrite.port)
    try:
        with RawClient(ferrite.port) as other:
            stopped_by = None
            for sent in range(1000):  # 100 MB at most
                try:
                    sock.sendall(ECHO_100KB)
                except OSError as error:
                    stopped_by = error
                    break
                if sent % 50 == 0:
                    assert other.command("PING") == b"+PONG\r\n"
            # Disconnected well before 100 MB of replies piled up.
            assert is_closed_error(stopped_by), f"sending ended with {stopped_by!r}"
            wait_until(lambda: client_entry(other, client_id) is None, timeout=10,
                       message="the client to leave CLIENT LIST")
            closed, _ = drain_until_closed(sock, timeout=10)
            assert closed
            assert other.command("PING") == b"+PONG\r\n"
    finally:
        sock.close()
    wait_until(lambda: "closed for overcoming of output buffer limits"
               in ferrite.log_path.read_text(), timeout=10, message="the log line")
    assert_server_recovers(ferrite)


def test_output_soft_limit_disconnects_after_soft_seconds(ferrite):
    soft_seconds = 2
    config_set(ferrite, "client-output-buffer-limit", f"normal 0 512kb {soft_seconds}")
    sock, client_id = non_reading_client(ferrite.port)
    try:
        with RawClient(ferrite.port) as other:
            started = time.monotonic()
            # 10 MB of replies: far more than the socket buffers take, so the output
            # buffer is over the soft limit from early on and stays there.
            for _ in range(100):
                sock.sendall(ECHO_100KB)
            entry = client_entry(other, client_id)
            assert entry is not None, "closed at once: the soft limit acted as a hard one"
            assert int(entry["omem"]) >= 512 * 1024
            # The limit was first passed no earlier than `started`, so for the next
            # soft_seconds the client must stay.
            time.sleep(max(0.0, started + soft_seconds - 0.5 - time.monotonic()))
            assert client_entry(other, client_id) is not None, (
                f"closed less than {soft_seconds}s after passing the soft limit")
            wait_until(lambda: client_entry(other, client_id) is None, timeout=10,
                       message="the client to be closed after the soft limit's seconds")
            assert time.monotonic() - started > soft_seconds
            closed, _ = drain_until_closed(sock, timeout=10)
            assert closed
    finally:
        sock.close()
    assert "closed for overcoming of output buffer limits" in ferrite.log_path.read_text()


def test_output_below_soft_limit_stays(ferrite):
    config_set(ferrite, "client-output-buffer-limit", "normal 0 512kb 1")
    with RawClient(ferrite.port) as client:
        # A reader that keeps up never holds 512 KB of output for long.
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:
            value = b"r" * 100_000
            assert client.command("ECHO", value) == b"$100000\r\n" + value + b"\r\n"
        assert client.command("PING") == b"+PONG\r\n"
