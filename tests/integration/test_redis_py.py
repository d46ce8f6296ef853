"""redis-py 4.3 talking to Ferrite: the connection, server and introspection commands a
real client library relies on, parsed the way redis-py parses them."""

import re
import resource
import time

import pytest
import redis

from support.probes import drain_until_closed, wait_until
from support.resp import RawClient, encode_command, parse_reply
from support.servers import start_ferrite


def connect(server, **kwargs):
    """A redis-py client bound to one connection, so per-connection state (SELECT,
    names, RESP version) stays put between calls."""
    return redis.Redis(port=server.port, single_connection_client=True, socket_timeout=10,
                       **kwargs)


@pytest.fixture
def r(shared_ferrite):
    client = connect(shared_ferrite)
    yield client
    client.close()


# --- connection commands -------------------------------------------------------------


def test_ping(shared_ferrite, r):
    assert r.ping() is True
    with RawClient(shared_ferrite.port) as c:
        assert c.command("PING") == b"+PONG\r\n"
        assert c.command("PING", "hello") == b"$5\r\nhello\r\n"
        assert c.command("PING", "a", "b") == (
            b"-ERR wrong number of arguments for 'ping' command\r\n")


@pytest.mark.parametrize("value", [
    b"plain",
    b"",
    b"nul\x00inside",
    b"crlf\r\nin the middle\r\n",
    bytes(range(256)),
    b"\x00" * 1000 + b"\r\n" * 1000,
    b"x" * (1 << 20),
], ids=["plain", "empty", "nul", "crlf", "all-bytes", "nul-crlf-runs", "1mb"])
def test_echo_is_binary_safe(r, value):
    assert r.echo(value) == value


def test_echo_wrong_arity(r):
    with pytest.raises(redis.ResponseError,
                       match=r"^wrong number of arguments for 'echo' command$"):
        r.execute_command("ECHO")


def test_select(r):
    for db in (15, 3, 0):
        assert r.select(db) is True
        assert r.client_info()["db"] == db
    with pytest.raises(redis.ResponseError, match=r"^DB index is out of range$"):
        r.select(16)
    with pytest.raises(redis.ResponseError, match=r"^DB index is out of range$"):
        r.select(-1)
    with pytest.raises(redis.ResponseError, match=r"^value is not an integer or out of range$"):
        r.execute_command("SELECT", "one")
    assert r.client_info()["db"] == 0  # failed SELECTs change nothing


# --- CLIENT ------------------------------------------------------------------------


def test_client_setname_getname(r):
    assert r.client_getname() is None
    assert r.client_setname("integration-test") is True
    assert r.client_getname() == "integration-test"
    with pytest.raises(redis.ResponseError,
                       match=r"^Client names cannot contain spaces, newlines or special"):
        r.client_setname("has space")
    assert r.client_getname() == "integration-test"
    assert r.client_setname("") is True  # an empty name clears it
    assert r.client_getname() is None


def test_client_id_and_info(shared_ferrite, r):
    client_id = r.client_id()
    assert isinstance(client_id, int) and client_id > 0
    r.client_setname("info-check")
    info = r.client_info()
    assert info["id"] == client_id
    assert info["name"] == "info-check"
    assert info["db"] == 0
    assert info["resp"].strip() == "2"  # redis-py keeps the line end of the last field
    assert info["laddr"] == f"127.0.0.1:{shared_ferrite.port}"
    # Another connection has another, larger ID.
    other = connect(shared_ferrite)
    try:
        assert other.client_id() > client_id
    finally:
        other.close()
    # As in Redis, cmd= names the command being run, CLIENT INFO itself.
    assert info["cmd"] == "client|info"


def test_client_list_fields(shared_ferrite, r):
    other = connect(shared_ferrite)
    try:
        other_id = other.client_id()
        other.client_setname("second")
        other.select(5)
        my_id = r.client_id()
        r.client_setname("first")
        clients = {int(c["id"]): c for c in r.client_list()}
        assert {my_id, other_id} <= clients.keys()
        mine, theirs = clients[my_id], clients[other_id]
        for field in ("id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub",
                      "psub", "multi", "qbuf", "qbuf-free", "argv-mem", "obl", "oll", "omem",
                      "tot-mem", "events", "cmd", "user", "redir", "resp"):
            assert field in mine, field
        assert mine["name"] == "first" and theirs["name"] == "second"
        assert mine["db"] == "0" and theirs["db"] == "5"
        assert mine["cmd"] == "client|list" and theirs["cmd"] == "select"
        assert mine["user"] == "default"
        assert mine["laddr"] == f"127.0.0.1:{shared_ferrite.port}"
        # addr is the peer address as the client itself sees its own socket.
        sockname = r.connection._sock.getsockname()
        assert mine["addr"] == f"{sockname[0]}:{sockname[1]}"
        assert mine["addr"] != theirs["addr"]
        # Filtering by ID returns exactly the clients asked for, in that order.
        listed = r.execute_command("CLIENT", "LIST", "ID", other_id, my_id)
        ids = [int(line.split(" ", 1)[0].split("=")[1])
               for line in listed.decode().splitlines()]
        assert ids == [other_id, my_id]
    finally:
        other.close()


def test_client_kill_by_id(shared_ferrite, r):
    with RawClient(shared_ferrite.port) as victim:
        victim_id = parse_reply(victim.command("CLIENT", "ID"))
        assert r.client_kill_filter(_id=victim_id) == 1
        closed, _ = drain_until_closed(victim.sock, timeout=10)
        assert closed, "the killed connection is still open"
        assert victim_id not in [int(c["id"]) for c in r.client_list()]
    # Killing it again finds nobody.
    assert r.client_kill_filter(_id=victim_id) == 0
    with pytest.raises(redis.ResponseError, match=r"^client-id should be greater than 0$"):
        r.execute_command("CLIENT", "KILL", "ID", "abc")
    with pytest.raises(redis.ResponseError, match=r"^syntax error$"):
        r.execute_command("CLIENT", "KILL", "ID", str(victim_id), "BOGUS", "x")


def test_client_kill_by_addr(shared_ferrite, r):
    with RawClient(shared_ferrite.port) as victim:
        assert victim.command("PING") == b"+PONG\r\n"
        host, port = victim.sock.getsockname()
        addr = f"{host}:{port}"
        assert r.client_kill(addr) is True
        closed, _ = drain_until_closed(victim.sock, timeout=10)
        assert closed, "the killed connection is still open"
        assert addr not in [c["addr"] for c in r.client_list()]
    with pytest.raises(redis.ResponseError, match=r"^No such client$"):
        r.client_kill(addr)
    # The new form reports a count and spares the caller unless asked otherwise.
    with RawClient(shared_ferrite.port) as victim:
        assert victim.command("PING") == b"+PONG\r\n"
        host, port = victim.sock.getsockname()
        assert r.client_kill_filter(addr=f"{host}:{port}") == 1
        assert drain_until_closed(victim.sock, timeout=10)[0]
    mine = r.client_info()["addr"]
    assert r.client_kill_filter(addr=mine) == 0
    assert r.ping() is True


def test_client_kill_self(shared_ferrite):
    # The old form may kill the caller: it gets its OK, then the connection closes.
    with RawClient(shared_ferrite.port) as c:
        host, port = c.sock.getsockname()
        c.send(encode_command("CLIENT", "KILL", f"{host}:{port}") + b"PING\r\n")
        assert c.read_until_closed(timeout=10) == b"+OK\r\n"
    # The new form spares the caller unless SKIPME NO.
    with RawClient(shared_ferrite.port) as c:
        host, port = c.sock.getsockname()
        assert c.command("CLIENT", "KILL", "ADDR", f"{host}:{port}") == b":0\r\n"
        c.send(encode_command("CLIENT", "KILL", "ADDR", f"{host}:{port}", "SKIPME", "no"))
        assert c.read_until_closed(timeout=10) == b":1\r\n"


def test_client_kill_every_other_client(ferrite):
    # The victims are spread over the server's threads; one KILL reaches them all.
    victims = [RawClient(ferrite.port) for _ in range(6)]
    try:
        for victim in victims:
            assert victim.command("PING") == b"+PONG\r\n"
        r = connect(ferrite)
        wait_until(lambda: r.info("clients")["connected_clients"] == 7, timeout=10,
                   message="connected_clients == 7")
        assert r.client_kill_filter(user="default") == 6
        for victim in victims:
            assert drain_until_closed(victim.sock, timeout=10)[0]
        assert r.ping() is True
        wait_until(lambda: r.info("clients")["connected_clients"] == 1, timeout=10,
                   message="connected_clients == 1")
        r.close()
    finally:
        for victim in victims:
            victim.close()


def test_quit(shared_ferrite):
    with RawClient(shared_ferrite.port) as c:
        # QUIT answers OK and closes; what follows it is not run.
        c.send(b"ECHO before\r\nQUIT\r\nECHO after\r\n")
        assert c.read_until_closed(timeout=10) == b"$6\r\nbefore\r\n+OK\r\n"


def test_client_reply_off_on(shared_ferrite):
    with RawClient(shared_ferrite.port) as c:
        # Nothing is answered between OFF and ON, not even errors; ON itself says OK.
        c.send(b"CLIENT REPLY OFF\r\nPING\r\nECHO silent\r\nNOSUCHCOMMAND\r\n"
               b"CLIENT REPLY ON\r\nECHO loud\r\n")
        assert c.read_reply() == b"+OK\r\n"
        assert c.read_reply() == b"$4\r\nloud\r\n"


def test_client_reply_skip(shared_ferrite):
    with RawClient(shared_ferrite.port) as c:
        # SKIP silences itself and the next command only.
        c.send(b"CLIENT REPLY SKIP\r\nECHO first\r\nECHO second\r\nECHO third\r\n")
        assert c.read_reply() == b"$6\r\nsecond\r\n"
        assert c.read_reply() == b"$5\r\nthird\r\n"
        # SKIP while OFF stays OFF.
        c.send(b"CLIENT REPLY OFF\r\nCLIENT REPLY SKIP\r\nECHO a\r\nECHO b\r\n"
               b"CLIENT REPLY ON\r\nECHO c\r\n")
        assert c.read_reply() == b"+OK\r\n"
        assert c.read_reply() == b"$1\r\nc\r\n"
        assert c.command("CLIENT", "REPLY", "MAYBE") == b"-ERR syntax error\r\n"


# --- INFO, CONFIG, TIME, COMMAND ---------------------------------------------------------


def test_info_sections(shared_ferrite, r):
    with RawClient(shared_ferrite.port) as c:
        text = parse_reply(c.command("INFO")).decode()
    for header in ("# Server", "# Clients", "# Stats"):
        assert header + "\r\n" in text
    info = r.info()
    assert info["redis_version"].startswith("7.")
    assert info["tcp_port"] == shared_ferrite.port
    assert info["process_id"] == shared_ferrite.pid
    assert info["redis_mode"] == "standalone"
    clients = r.info("clients")
    assert "connected_clients" in clients and "redis_version" not in clients
    stats = r.info("stats")
    assert "total_commands_processed" in stats and "connected_clients" not in stats


def test_info_connected_clients(ferrite):
    r = connect(ferrite)
    extra = [RawClient(ferrite.port) for _ in range(3)]
    try:
        for c in extra:
            assert c.command("PING") == b"+PONG\r\n"
        # The startup probe's connection may still be closing: poll.
        wait_until(lambda: r.info("clients")["connected_clients"] == 4, timeout=10,
                   message="connected_clients == 4")
        extra.pop().close()
        wait_until(lambda: r.info("clients")["connected_clients"] == 3, timeout=10,
                   message="connected_clients == 3")
    finally:
        for c in extra:
            c.close()
        r.close()


def test_info_total_commands_processed(ferrite):
    r = connect(ferrite)
    try:
        before = r.info("stats")["total_commands_processed"]
        for _ in range(10):
            r.ping()
        after = r.info("stats")["total_commands_processed"]
        # The ten PINGs and the first INFO; the second INFO counts once it has replied.
        assert after - before == 11
    finally:
        r.close()


def test_config_get_set_round_trip(ferrite):
    r = connect(ferrite)
    try:
        assert r.config_get("maxclients") == {"maxclients": "10000"}
        assert r.config_get("timeout") == {"timeout": "0"}
        assert r.config_set("maxclients", 50) is True
        assert r.config_set("timeout", 300) is True
        assert r.config_get("maxclients") == {"maxclients": "50"}
        assert r.config_get("timeout") == {"timeout": "300"}
        assert r.info("clients")["maxclients"] == 50
        # Patterns match case-insensitively; several parameters at once.
        assert r.config_get("MAXCLIENT?") == {"maxclients": "50"}
        assert r.execute_command("CONFIG", "SET", "maxclients", "60", "timeout", "7") == b"OK"
        both = r.execute_command("CONFIG", "GET", "maxclients", "timeout")
        assert dict(zip(both[::2], both[1::2])) == {b"maxclients": b"60", b"timeout": b"7"}
    finally:
        r.close()


@pytest.mark.parametrize("name,value,message", [
    ("maxclients", "abc", "CONFIG SET failed (possibly related to argument 'maxclients') - "
                          "argument couldn't be parsed into an integer"),
    ("maxclients", "0", "CONFIG SET failed (possibly related to argument 'maxclients') - "
                        "argument must be between 1 and 4294967295 inclusive"),
    ("timeout", "-1", "CONFIG SET failed (possibly related to argument 'timeout') - "
                      "argument must be between 0 and 2147483647 inclusive"),
    ("databases", "4", "CONFIG SET failed (possibly related to argument 'databases') - "
                       "can't set immutable config"),
    ("no-such-option", "1", "Unknown option or number of arguments for CONFIG SET - "
                            "'no-such-option'"),
])
def test_config_set_errors(ferrite, name, value, message):
    r = connect(ferrite)
    try:
        before = r.config_get(name)
        with pytest.raises(redis.ResponseError) as error:
            r.config_set(name, value)
        assert str(error.value) == message
        assert r.config_get(name) == before
    finally:
        r.close()


def test_config_set_is_all_or_nothing(ferrite):
    r = connect(ferrite)
    try:
        with pytest.raises(redis.ResponseError, match="argument 'timeout'"):
            r.execute_command("CONFIG", "SET", "maxclients", "77", "timeout", "abc")
        assert r.config_get("maxclients") == {"maxclients": "10000"}
        with pytest.raises(redis.ResponseError,
                           match=r"^wrong number of arguments for 'config\|set' command$"):
            r.execute_command("CONFIG", "SET", "maxclients")
        with pytest.raises(redis.ResponseError, match=r"^syntax error$"):
            r.execute_command("CONFIG", "SET", "maxclients", "5", "timeout")
    finally:
        r.close()


def test_config_resetstat(ferrite):
    r = connect(ferrite)
    try:
        for _ in range(5):
            r.ping()
        assert r.info("stats")["total_commands_processed"] >= 5
        assert r.config_resetstat() is True
        stats = r.info("stats")
        # Only CONFIG RESETSTAT itself has been counted since.
        assert stats["total_commands_processed"] == 1
        assert stats["total_connections_received"] == 0
        assert stats["rejected_connections"] == 0
    finally:
        r.close()


def test_config_set_maxclients_beyond_open_files_limit(ferrite):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard * 10 > 4294967295:
        pytest.skip("no finite open-files hard limit to exceed")
    r = connect(ferrite)
    try:
        with pytest.raises(redis.ResponseError) as error:
            r.config_set("maxclients", hard * 10)
        assert re.fullmatch(
            r"CONFIG SET failed \(possibly related to argument 'maxclients'\) - The operating "
            r"system is not able to handle the specified number of clients, try with \d+",
            str(error.value)), str(error.value)
        assert r.config_get("maxclients") == {"maxclients": "10000"}
    finally:
        r.close()


def test_time(r):
    seconds, micros = r.time()
    assert abs(seconds + micros / 1e6 - time.time()) < 5
    assert 0 <= micros < 1_000_000
    later_seconds, later_micros = r.time()
    assert (later_seconds, later_micros) >= (seconds, micros)


def test_command_count_and_info(shared_ferrite, r):
    count = r.command_count()
    commands = r.command()
    assert count == len(commands) > 0
    for name in ("ping", "echo", "client", "config", "info", "hello", "auth", "command"):
        assert name in commands, name
    ping = commands["ping"]
    assert ping["arity"] == -1
    assert "fast" in ping["flags"]
    assert commands["echo"]["arity"] == 2
    with RawClient(shared_ferrite.port) as c:
        (echo,) = parse_reply(c.command("COMMAND", "INFO", "echo"))
        assert echo[0] == b"echo" and echo[1] == 2 and len(echo) == 10
        assert parse_reply(c.command("COMMAND", "INFO", "no-such-command")) == [None]
        (client,) = parse_reply(c.command("COMMAND", "INFO", "client"))
        subcommands = {entry[0] for entry in client[9]}
        assert {b"client|list", b"client|kill", b"client|setname"} <= subcommands


# --- RESP3 and authentication -------------------------------------------------------------


def test_hello_3_returns_a_map(shared_ferrite):
    with RawClient(shared_ferrite.port) as c:
        raw = c.command("HELLO", "3")
        assert raw.startswith(b"%7\r\n")
        hello = parse_reply(raw)
        assert hello[b"server"] == b"redis"
        assert hello[b"version"].startswith(b"7.")
        assert hello[b"proto"] == 3
        assert hello[b"id"] == parse_reply(c.command("CLIENT", "ID"))
        assert hello[b"mode"] == b"standalone"
        assert hello[b"role"] == b"master"
        assert hello[b"modules"] == []
        # The connection now speaks RESP3: nulls and maps have their own types.
        assert c.command("CLIENT", "GETNAME") == b"_\r\n"
        assert c.command("CONFIG", "GET", "maxclients").startswith(b"%1\r\n")
        # INFO and CLIENT INFO are verbatim strings in RESP3.
        info = c.command("INFO", "server")
        assert info.startswith(b"=") and b"\r\ntxt:# Server\r\n" in info
        assert b"\r\ntxt:id=" in c.command("CLIENT", "INFO")
        # And back to RESP2.
        hello2 = parse_reply(c.command("HELLO", "2"))  # a flat array in RESP2
        assert dict(zip(hello2[::2], hello2[1::2]))[b"proto"] == 2
        assert c.command("CLIENT", "GETNAME") == b"$-1\r\n"
        assert c.command("HELLO", "4") == b"-NOPROTO unsupported protocol version\r\n"
        # HELLO without a version reports, in the current protocol, and changes nothing.
        assert c.command("HELLO").startswith(b"*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n")


@pytest.fixture
def password_server(tmp_path):
    server = start_ferrite(tmp_path, "--requirepass", "s3cret")
    yield server
    server.stop()


def test_auth_with_redis_py(password_server):
    anonymous = connect(password_server)
    with pytest.raises(redis.AuthenticationError, match="Authentication required"):
        anonymous.ping()
    anonymous.close()
    # redis-py authenticates as it connects.
    with pytest.raises(redis.ResponseError, match=r"^WRONGPASS invalid username-password pair"):
        connect(password_server, password="wrong")
    good = connect(password_server, password="s3cret")
    assert good.ping() is True
    good.close()
    with_user = connect(password_server, username="default", password="s3cret")
    assert with_user.ping() is True
    with_user.close()


def test_auth_raw(password_server):
    with RawClient(password_server.port) as c:
        assert c.command("PING") == b"-NOAUTH Authentication required.\r\n"
        assert c.command("ECHO", "x") == b"-NOAUTH Authentication required.\r\n"
        wrongpass = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
        assert c.command("AUTH", "wrong") == wrongpass
        assert c.command("AUTH", "someone", "s3cret") == wrongpass
        assert c.command("PING") == b"-NOAUTH Authentication required.\r\n"
        assert c.command("AUTH", "s3cret") == b"+OK\r\n"
        assert c.command("PING") == b"+PONG\r\n"
        # RESET returns the connection to its initial, unauthenticated state.
        assert c.command("RESET") == b"+RESET\r\n"
        assert c.command("PING") == b"-NOAUTH Authentication required.\r\n"
        assert c.command("AUTH", "default", "s3cret") == b"+OK\r\n"
        assert c.command("PING") == b"+PONG\r\n"


def test_hello_auth(password_server):
    with RawClient(password_server.port) as c:
        assert c.command("HELLO", "3").startswith(b"-NOAUTH HELLO must be called with the client")
        assert c.command("HELLO", "3", "AUTH", "default", "nope") == (
            b"-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        hello = parse_reply(c.command("HELLO", "3", "AUTH", "default", "s3cret",
                                      "SETNAME", "resp3-client"))
        assert hello[b"proto"] == 3
        assert c.command("PING") == b"+PONG\r\n"
        assert c.command("CLIENT", "GETNAME") == b"$12\r\nresp3-client\r\n"
        assert c.command("RESET") == b"+RESET\r\n"
        assert c.command("PING") == b"-NOAUTH Authentication required.\r\n"


def test_requirepass_set_at_run_time(ferrite):
    r = connect(ferrite)
    try:
        assert r.config_set("requirepass", "later") is True
        # The connection that set it stays authenticated; new ones must log in.
        assert r.ping() is True
        with RawClient(ferrite.port) as c:
            assert c.command("PING") == b"-NOAUTH Authentication required.\r\n"
            assert c.command("AUTH", "later") == b"+OK\r\n"
            assert c.command("PING") == b"+PONG\r\n"
    finally:
        r.close()
