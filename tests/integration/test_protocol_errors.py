"""The request protocol over raw sockets: every protocol error Ferrite reports (the exact
reply, then the connection closes, after the replies to what came before it), large
pipelines, byte-at-a-time delivery and inline commands."""

import random
import socket

import pytest

from support.probes import info_field, parse_info, wait_until
from support.resp import RawClient, encode_command, parse_reply
from support.servers import start_ferrite

PING = b"PING\r\n"
PONG = b"+PONG\r\n"
ECHO_BEFORE = encode_command("ECHO", "before")
ECHOED_BEFORE = b"$6\r\nbefore\r\n"
HEADER_LIMIT = 64 * 1024  # longest inline request, "*<n>" or "$<n>" line


def protocol_error(message):
    return b"-ERR Protocol error: " + message + b"\r\n"


def exchange_until_closed(port, data, timeout=10.0):
    """Sends `data` in one write and returns everything the server sends back before it
    closes the connection."""
    with RawClient(port, timeout=timeout) as client:
        client.send(data)
        return client.read_until_closed(timeout=timeout)


# Each case: the bytes that provoke the error, whether a PING after them (in the same
# write) is part of the request, and the error. The "too big" cases carry no trailing
# line: a line end would complete the request. Their sizes are exact, so the error
# fires only once the server has read every byte sent and the close is a clean FIN.
ERROR_CASES = [
    ("mbulk-not-a-number", b"*abc\r\n", True, b"invalid multibulk length"),
    ("mbulk-empty-count", b"*\r\n", True, b"invalid multibulk length"),
    ("mbulk-trailing-junk", b"*1x\r\n", True, b"invalid multibulk length"),
    ("mbulk-over-int-max", b"*2147483648\r\n", True, b"invalid multibulk length"),
    ("mbulk-plus-sign", b"*+1\r\n", True, b"invalid multibulk length"),
    ("expected-dollar-colon", b"*1\r\n:4\r\nPING\r\n", True, b"expected '$', got ':'"),
    ("expected-dollar-second-arg", b"*2\r\n$4\r\nECHO\r\n+hi\r\n", True,
     b"expected '$', got '+'"),
    ("bulk-negative", b"*1\r\n$-1\r\n", True, b"invalid bulk length"),
    ("bulk-not-a-number", b"*1\r\n$four\r\n", True, b"invalid bulk length"),
    ("bulk-empty-length", b"*1\r\n$\r\n", True, b"invalid bulk length"),
    ("bulk-over-proto-max", b"*1\r\n$536870913\r\n", True, b"invalid bulk length"),
    ("bulk-overflows-int64", b"*1\r\n$99999999999999999999\r\n", True, b"invalid bulk length"),
    ("too-big-inline", b"x" * (HEADER_LIMIT + 1), False, b"too big inline request"),
    ("too-big-inline-spaces", b"ECHO " + b" " * HEADER_LIMIT, False, b"too big inline request"),
    ("too-big-mbulk-count", b"*" + b"1" * HEADER_LIMIT, False, b"too big mbulk count string"),
    ("too-big-bulk-count", b"*1\r\n$" + b"1" * HEADER_LIMIT, False,
     b"too big bulk count string"),
    ("unbalanced-double-quote", b'ECHO "abc\r\n', True, b"unbalanced quotes in request"),
    ("unbalanced-single-quote", b"ECHO 'abc\r\n", True, b"unbalanced quotes in request"),
    ("quote-followed-by-text", b'ECHO "a"b\r\n', True, b"unbalanced quotes in request"),
]


@pytest.mark.parametrize("payload,with_trailer,message",
                         [case[1:] for case in ERROR_CASES], ids=[case[0] for case in ERROR_CASES])
def test_protocol_error_replies_then_closes(shared_ferrite, payload, with_trailer, message):
    # Two commands before the bad request, in the same write, are answered first; the
    # PING after it is never run.
    data = PING + ECHO_BEFORE + payload + (PING if with_trailer else b"")
    received = exchange_until_closed(shared_ferrite.port, data)
    assert received == PONG + ECHOED_BEFORE + protocol_error(message)


def test_protocol_error_alone(shared_ferrite):
    assert exchange_until_closed(shared_ferrite.port, b"*x\r\n") == (
        protocol_error(b"invalid multibulk length"))


def test_protocol_error_leaves_other_clients_alone(shared_ferrite):
    with RawClient(shared_ferrite.port) as bystander:
        assert bystander.command("PING") == PONG
        before = parse_info(parse_reply(bystander.command("INFO", "stats")))
        assert exchange_until_closed(shared_ferrite.port, b"*1\r\n$x\r\n") == (
            protocol_error(b"invalid bulk length"))
        assert bystander.command("ECHO", "still here") == b"$10\r\nstill here\r\n"
        after = parse_info(parse_reply(bystander.command("INFO", "stats")))
        # The protocol error counts as an error reply, as in Redis (INFO stats itself
        # and the ECHO add none).
        assert int(after["total_error_replies"]) - int(before["total_error_replies"]) == 1


def test_non_positive_multibulk_counts_are_ignored(shared_ferrite):
    # As in Redis, "*0" and "*-1" are empty requests: no reply, no error.
    with RawClient(shared_ferrite.port) as client:
        client.send(b"*0\r\n*-1\r\n*-7\r\nPING\r\n")
        assert client.read_reply() == PONG
        assert client.command("ECHO", "next") == b"$4\r\nnext\r\n"


def test_proto_max_bulk_len_is_enforced(ferrite):
    with RawClient(ferrite.port) as admin:
        assert admin.command("CONFIG", "SET", "proto-max-bulk-len", "1mb") == b"+OK\r\n"
    limit = 1 << 20
    with RawClient(ferrite.port) as client:
        value = b"v" * limit  # exactly at the limit is allowed
        assert client.command("ECHO", value) == b"$%d\r\n%s\r\n" % (limit, value)
    over = b"*2\r\n$4\r\nECHO\r\n$%d\r\n" % (limit + 1)
    assert exchange_until_closed(ferrite.port, PING + over) == (
        PONG + protocol_error(b"invalid bulk length"))


@pytest.fixture(scope="module")
def password_server(tmp_path_factory):
    server = start_ferrite(tmp_path_factory.mktemp("auth"), "--requirepass", "pw")
    yield server
    server.stop()


NOAUTH = b"-NOAUTH Authentication required.\r\n"


@pytest.mark.parametrize("payload,message", [
    (b"*11\r\n", b"unauthenticated multibulk length"),
    (b"*2\r\n$4\r\nECHO\r\n$16385\r\n", b"unauthenticated bulk length"),
], ids=["multibulk", "bulk"])
def test_unauthenticated_limits(password_server, payload, message):
    received = exchange_until_closed(password_server.port, PING + payload + PING)
    assert received == NOAUTH + protocol_error(message)


def test_unauthenticated_limits_boundaries(password_server):
    with RawClient(password_server.port) as client:
        # Ten arguments and a 16 KiB argument are still allowed before AUTH: the
        # commands are refused, the connection stays.
        assert client.command(*["ECHO"] * 10) == (
            b"-ERR wrong number of arguments for 'echo' command\r\n")
        assert client.command("ECHO", b"x" * 16384) == NOAUTH
        assert client.command("AUTH", "pw") == b"+OK\r\n"
        # Once authenticated, the small limits no longer apply.
        assert client.command(*["PING"] * 11) == (
            b"-ERR wrong number of arguments for 'ping' command\r\n")
        big = b"y" * 100_000
        assert client.command("ECHO", big) == b"$100000\r\n" + big + b"\r\n"


# --- pipelines ----------------------------------------------------------------------


def read_exactly(client, length, timeout=30.0):
    client.sock.settimeout(timeout)
    data = client.buffer
    while len(data) < length:
        chunk = client.sock.recv(1 << 20)
        if not chunk:
            break
        data += chunk
    client.buffer = data[length:]
    return data[:length]


def test_pipeline_of_10000_commands(shared_ferrite):
    requests, replies = [], []
    for i in range(10_000):
        if i % 3 == 0:
            requests.append(PING)
            replies.append(PONG)
        else:
            value = b"value-%d" % i
            requests.append(encode_command("ECHO", value))
            replies.append(b"$%d\r\n%s\r\n" % (len(value), value))
    expected = b"".join(replies)
    with RawClient(shared_ferrite.port) as client:
        client.send(b"".join(requests))
        assert read_exactly(client, len(expected)) == expected
        # And nothing more than those 10,000 replies.
        assert client.command("ECHO", "end") == b"$3\r\nend\r\n"


# A request stream mixing multibulk and inline commands with every framing detail the
# parser handles; it ends with QUIT, so the whole reply stream ends at the close.
STREAM = b"".join([
    encode_command("PING"),
    encode_command("ECHO", b""),
    encode_command("ECHO", b"with\r\ncrlf\r\n"),
    encode_command("ECHO", bytes(range(256))),
    encode_command("ECHO", b"x" * 3000),
    b"*0\r\n",
    b"PING\r\n",
    b"\r\n",
    b"\n",
    b"   \r\n",
    b'echo "a b"\r\n',
    b"ECHO 'single quoted'\n",
    b'ECHO "\\x41\\n\\"q\\""\r\n',
    b"ping inline-arg\r\n",
    encode_command("SELECT", "3"),
    encode_command("CLIENT", "SETNAME", "bytewise"),
    encode_command("CLIENT", "GETNAME"),
    encode_command("NOSUCHCOMMAND", "arg"),
    encode_command("ECHO"),
    encode_command("QUIT"),
])

STREAM_REPLIES = b"".join([
    PONG,
    b"$0\r\n\r\n",
    b"$12\r\nwith\r\ncrlf\r\n\r\n",
    b"$256\r\n" + bytes(range(256)) + b"\r\n",
    b"$3000\r\n" + b"x" * 3000 + b"\r\n",
    PONG,
    b"$3\r\na b\r\n",
    b"$13\r\nsingle quoted\r\n",
    b'$5\r\nA\n"q"\r\n',
    b"$10\r\ninline-arg\r\n",
    b"+OK\r\n",
    b"+OK\r\n",
    b"$8\r\nbytewise\r\n",
    b"-ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'arg' \r\n",
    b"-ERR wrong number of arguments for 'echo' command\r\n",
    b"+OK\r\n",
])


def test_request_stream_in_one_write(shared_ferrite):
    assert exchange_until_closed(shared_ferrite.port, STREAM) == STREAM_REPLIES


def test_request_stream_one_byte_at_a_time(shared_ferrite):
    with RawClient(shared_ferrite.port) as client:
        client.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(len(STREAM)):
            client.send(STREAM[i:i + 1])
        assert client.read_until_closed(timeout=10) == STREAM_REPLIES


def big_argument_stream():
    """Requests with arguments large enough for the server's big-argument reading path
    (32 KiB and more), between small ones; and their replies."""
    rng = random.Random(7)
    requests, replies = [PING], [PONG]
    for size in (32 * 1024 - 1, 32 * 1024, 200_000, 1 << 20, 3, 5 * (1 << 20) + 17):
        value = rng.randbytes(size)
        requests.append(encode_command("ECHO", value))
        replies.append(b"$%d\r\n%s\r\n" % (size, value))
        requests.append(b"PING\r\n")
        replies.append(PONG)
    return b"".join(requests), b"".join(replies)


@pytest.mark.parametrize("max_piece", [None, 100, 70_000], ids=["one-write", "small-pieces",
                                                                 "uneven-pieces"])
def test_big_arguments_in_pieces(shared_ferrite, max_piece):
    stream, expected = big_argument_stream()
    rng = random.Random(max_piece)
    with RawClient(shared_ferrite.port, timeout=30) as client:
        client.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        received = bytearray()
        pos = 0
        while pos < len(stream):
            step = len(stream) if max_piece is None else rng.randint(1, max_piece)
            client.send(stream[pos:pos + step])
            pos += step
            # Read as we go, so neither side's buffers fill up.
            client.sock.setblocking(False)
            try:
                while True:
                    received += client.sock.recv(1 << 20)
            except BlockingIOError:
                pass
            finally:
                client.sock.settimeout(30)
        received += read_exactly(client, len(expected) - len(received))
    assert bytes(received) == expected


# --- inline commands ------------------------------------------------------------------


@pytest.mark.parametrize("request_bytes,reply", [
    (b"PING\r\n", PONG),
    (b"PING\n", PONG),
    (b"ping\r\n", PONG),
    (b'echo "a b"\r\n', b"$3\r\na b\r\n"),
    (b"echo   spaced\t\r\n", b"$6\r\nspaced\r\n"),
    (b"ECHO 'it\\'s'\r\n", b"$4\r\nit's\r\n"),
    (b'ECHO "tab\\there"\r\n', b"$8\r\ntab\there\r\n"),
    (b'ECHO ""\r\n', b"$0\r\n\r\n"),
], ids=["crlf", "bare-lf", "lowercase", "double-quotes", "whitespace", "single-quote-escape",
        "escape", "empty-quoted"])
def test_inline_command(shared_ferrite, request_bytes, reply):
    with RawClient(shared_ferrite.port) as client:
        client.send(request_bytes)
        assert client.read_reply() == reply


def test_inline_empty_lines_are_ignored(shared_ferrite):
    with RawClient(shared_ferrite.port) as client:
        client.send(b"\r\n\n\r\n   \r\n\t\n" + PING)
        assert client.read_reply() == PONG
        # Nothing else was queued for the empty lines.
        assert client.command("ECHO", "after") == b"$5\r\nafter\r\n"


def test_inline_split_across_writes(shared_ferrite):
    with RawClient(shared_ferrite.port) as client:
        client.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.send(b"EC")
        client.send(b"HO hel")
        client.send(b"lo\r")
        client.send(b"\n")
        assert client.read_reply() == b"$5\r\nhello\r\n"


def test_no_connection_is_left_behind(shared_ferrite):
    # Every connection of this module has been closed, by the client or by a protocol
    # error: only the one asking remains.
    wait_until(lambda: info_field(shared_ferrite.port, "connected_clients", "clients") == "1",
               timeout=10, message="connected_clients == 1")
