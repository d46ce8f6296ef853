"""The server process from start to exit: signals and SHUTDOWN, the startup log, the TOML
configuration file and command-line overrides, and the ways startup fails."""

import re
import signal
import socket
import subprocess

import pytest

from support.flood import Flood, huge_request_stream
from support.probes import drain_until_closed, parse_info, wait_until
from support.resp import RawClient, encode_command, parse_reply
from support.servers import ferrite_binary, free_port, start_ferrite


def run_binary(tmp_path, *args, timeout=20):
    """Runs ferrite-server to completion (for runs that must exit by themselves);
    returns (exit status, stdout and stderr together)."""
    result = subprocess.run([ferrite_binary(), *args], cwd=tmp_path, timeout=timeout,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return result.returncode, result.stdout.decode(errors="replace")


def config_get(port, name, password=None):
    with RawClient(port) as client:
        if password is not None:
            assert client.command("AUTH", password) == b"+OK\r\n"
        reply = parse_reply(client.command("CONFIG", "GET", name))
    assert reply[0] == name.encode(), reply
    return reply[1].decode()


# --- stopping ------------------------------------------------------------------------


@pytest.mark.parametrize("sig,name", [(signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT")])
def test_signal_exits_cleanly(tmp_path, sig, name):
    server = start_ferrite(tmp_path)
    with RawClient(server.port) as client:
        assert client.command("PING") == b"+PONG\r\n"
        assert server.stop(sig) == 0
        # The connected client is closed, not left hanging.
        assert client.read_until_closed(timeout=5) == b""
    log = server.log_path.read_text()
    assert f"Received {name} scheduling shutdown" in log
    assert "ready to exit" in log


def test_shutdown_command(tmp_path):
    server = start_ferrite(tmp_path)
    with RawClient(server.port) as client:
        assert client.command("SHUTDOWN", "ABORT") == b"-ERR No shutdown in progress.\r\n"
        assert client.command("SHUTDOWN", "SAVE", "NOSAVE") == b"-ERR syntax error\r\n"
        assert server.alive()
        client.send(b"*1\r\n$8\r\nSHUTDOWN\r\n")
        # No reply: the connection just closes.
        assert client.read_until_closed(timeout=10) == b""
    assert server.process.wait(timeout=10) == 0
    log = server.log_path.read_text()
    assert "User requested shutdown" in log
    assert "ready to exit" in log


def test_shutdown_nosave_now(tmp_path):
    server = start_ferrite(tmp_path)
    with RawClient(server.port) as client:
        client.send(b"SHUTDOWN NOSAVE NOW\r\n")
        assert client.read_until_closed(timeout=10) == b""
    assert server.process.wait(timeout=10) == 0


def test_sigterm_while_clients_are_busy(tmp_path):
    # A client streaming a huge request, one with replies it never reads, and an idle
    # one do not hold up the exit.
    server = start_ferrite(tmp_path)
    flood = Flood(server.port, huge_request_stream(1 << 30)).start()
    hog = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    idle = RawClient(server.port)
    try:
        hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        for _ in range(100):
            hog.sendall(encode_command("ECHO", b"h" * (100 * 1024)))
        assert idle.command("PING") == b"+PONG\r\n"
        wait_until(lambda: flood.sent > 8 << 20, timeout=30, message="the flood under way")
        assert server.stop(signal.SIGTERM, timeout=20) == 0
        assert flood.join(timeout=20)
        assert flood.closed_by_server
        assert drain_until_closed(hog, timeout=10)[0]
        assert idle.read_until_closed(timeout=10) == b""
    finally:
        flood.close()
        hog.close()
        idle.close()
        server.stop(signal.SIGKILL)
    assert "ready to exit" in server.log_path.read_text()


# --- starting ------------------------------------------------------------------------


def test_startup_log(tmp_path):
    server = start_ferrite(tmp_path)
    try:
        # The workers may answer the startup probe a moment before the line is written.
        ready = f"Ready to accept connections tcp on port {server.port}"
        log = wait_until(lambda: ready in server.log_path.read_text() and
                         server.log_path.read_text(), timeout=10, message=repr(ready))
        assert re.search(r"^\d+:M \d\d \w\w\w \d{4} [\d:.]+ \* Ferrite is starting$", log,
                         re.MULTILINE), log
        assert "No config file specified" in log
    finally:
        server.stop()


def test_toml_config_file(tmp_path):
    config = "\n".join([
        "# Ferrite test configuration",
        "maxclients = 123",
        "timeout = 45",
        'requirepass = "from-the-file"',
        'client-output-buffer-limit = "normal 2mb 1mb 10"',
        'client-query-buffer-limit = "64mb"',
        "hz = 20",
        "",
    ])
    server = start_ferrite(tmp_path, config_text=config)
    try:
        with RawClient(server.port) as client:
            assert client.command("PING") == b"-NOAUTH Authentication required.\r\n"
        pw = "from-the-file"
        assert config_get(server.port, "maxclients", pw) == "123"
        assert config_get(server.port, "timeout", pw) == "45"
        assert config_get(server.port, "requirepass", pw) == pw
        assert config_get(server.port, "client-output-buffer-limit", pw).startswith(
            "normal 2097152 1048576 10 ")
        assert config_get(server.port, "client-query-buffer-limit", pw) == str(64 << 20)
        assert config_get(server.port, "hz", pw) == "20"
        with RawClient(server.port) as client:
            assert client.command("AUTH", pw) == b"+OK\r\n"
            info = parse_info(parse_reply(client.command("INFO", "server")))
        assert info["config_file"] == str(tmp_path / "ferrite.toml")
        assert "Configuration loaded from" in server.log_path.read_text()
    finally:
        server.stop()


def test_logfile_from_config(tmp_path):
    logfile = tmp_path / "custom.log"
    server = start_ferrite(tmp_path, config_text=f'logfile = "{logfile}"\n')
    try:
        assert config_get(server.port, "logfile") == str(logfile)
    finally:
        assert server.stop() == 0
    text = logfile.read_text()
    assert f"Ready to accept connections tcp on port {server.port}" in text
    assert "ready to exit" in text
    assert "Ready to accept" not in server.log_path.read_text()  # not on stdout


def test_missing_config_file_fails_startup(tmp_path):
    status, output = run_binary(tmp_path, str(tmp_path / "missing.toml"))
    assert status != 0, output
    assert "missing.toml" in output


def test_command_line_beats_the_file(tmp_path):
    server = start_ferrite(tmp_path, "--maxclients", "7",
                           config_text="maxclients = 100\ntimeout = 9\n")
    try:
        assert config_get(server.port, "maxclients") == "7"
        assert config_get(server.port, "timeout") == "9"
    finally:
        server.stop()


def write_config(tmp_path, text):
    path = tmp_path / "ferrite.toml"
    path.write_text(text)
    return str(path)


def test_unknown_key_fails_startup(tmp_path):
    path = write_config(tmp_path, "maxclients = 5\n\nno-such-key = 1\n")
    status, output = run_binary(tmp_path, path, "--port", str(free_port()))
    assert status == 1, output
    assert "no-such-key" in output
    assert f"{path}:3" in output, output  # the file and the line of the key
    assert "Ready to accept" not in output


@pytest.mark.parametrize("text,key,line", [
    ("port = 70000\n", "port", 1),
    ('timeout = 1\nmaxclients = "abc"\n', "maxclients", 2),
    ("maxclients = 0\n", "maxclients", 1),
    ('loglevel = "loud"\n', "loglevel", 1),
    ("timeout = 1.5\n", "timeout", 1),
], ids=["port-out-of-range", "maxclients-not-a-number", "maxclients-zero", "loglevel",
        "float"])
def test_bad_value_fails_startup(tmp_path, text, key, line):
    path = write_config(tmp_path, text)
    status, output = run_binary(tmp_path, path, "--port", str(free_port()))
    assert status == 1, output
    assert f"'{key}'" in output, output
    assert f"{path}:{line}" in output, output
    assert "Ready to accept" not in output


def test_bad_toml_fails_startup(tmp_path):
    path = write_config(tmp_path, "maxclients = = 5\n")
    status, output = run_binary(tmp_path, path, "--port", str(free_port()))
    assert status == 1, output
    assert f"{path}:1" in output, output


def test_bad_command_line_value_fails_startup(tmp_path):
    status, output = run_binary(tmp_path, "--port", str(free_port()), "--maxclients", "lots")
    assert status == 1, output
    assert "maxclients" in output


def test_help(tmp_path):
    status, output = run_binary(tmp_path, "--help")
    assert status == 0, output
    assert "Usage:" in output
    for option in ("--port", "--maxclients", "--timeout", "--requirepass", "--version"):
        assert option in output, option


def test_version(tmp_path):
    status, output = run_binary(tmp_path, "--version")
    assert status == 0, output
    match = re.fullmatch(r"ferrite-server (\d+\.\d+\.\d+)\s*", output)
    assert match, output
    # The same version INFO reports.
    server = start_ferrite(tmp_path)
    try:
        with RawClient(server.port) as client:
            info = parse_info(parse_reply(client.command("INFO", "server")))
        assert info["ferrite_version"] == match.group(1)
    finally:
        server.stop()


def test_port_in_use_fails_startup(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        status, output = run_binary(tmp_path, "--port", str(port), "--dir", str(tmp_path / "d"))
    assert status == 1, output
    assert f"127.0.0.1:{port}" in output, output
    assert "Ready to accept" not in output
