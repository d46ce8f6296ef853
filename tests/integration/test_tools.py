"""Redis's own command-line tools against Ferrite: redis-cli and redis-benchmark run to
completion and print sane output. No speed is asserted."""

import re
import shutil
import subprocess

import pytest

from support.probes import parse_info
from support.resp import RawClient, parse_reply

pytestmark = pytest.mark.skipif(
    shutil.which("redis-cli") is None or shutil.which("redis-benchmark") is None,
    reason="redis-cli and redis-benchmark are not installed: run scripts/setup")


def run_tool(*argv, timeout=60):
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            timeout=timeout)
    return result.returncode, result.stdout.decode(errors="replace"), result.stderr.decode(
        errors="replace")


def cli(server, *args):
    status, out, err = run_tool("redis-cli", "-p", str(server.port), *args)
    assert status == 0, err
    return out


def test_cli_ping(shared_ferrite):
    assert cli(shared_ferrite, "PING") == "PONG\n"


def test_cli_echo(shared_ferrite):
    assert cli(shared_ferrite, "ECHO", "hello world") == "hello world\n"
    # Raw mode prints the bytes as they are; binary-safe through the tool.
    assert cli(shared_ferrite, "--raw", "ECHO", "tab\there") == "tab\there\n"


def test_cli_info_server(shared_ferrite):
    info = parse_info(cli(shared_ferrite, "INFO", "server"))
    assert info["redis_version"].startswith("7.")
    assert int(info["tcp_port"]) == shared_ferrite.port
    assert int(info["process_id"]) == shared_ferrite.pid


def test_cli_client_list(shared_ferrite):
    lines = cli(shared_ferrite, "CLIENT", "LIST").splitlines()
    assert len(lines) >= 1
    mine = [line for line in lines if "cmd=client|list" in line]
    assert len(mine) == 1, lines
    fields = dict(pair.split("=", 1) for pair in mine[0].split(" "))
    assert fields["laddr"] == f"127.0.0.1:{shared_ferrite.port}"
    assert int(fields["id"]) > 0


def test_cli_error_reply(shared_ferrite):
    out = cli(shared_ferrite, "NOSUCHCOMMAND")
    assert out.startswith("ERR unknown command 'NOSUCHCOMMAND'"), out


def test_cli_pipe_mode(shared_ferrite):
    # --pipe sends a stream of raw commands and counts the replies.
    commands = "".join(f"ECHO value-{i}\r\n" for i in range(1000)).encode()
    result = subprocess.run(["redis-cli", "-p", str(shared_ferrite.port), "--pipe"],
                            input=commands, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            timeout=60)
    out = result.stdout.decode(errors="replace")
    assert result.returncode == 0, out
    assert "errors: 0, replies: 1000" in out, out


def ping_calls(server):
    with RawClient(server.port) as client:
        stats = parse_info(parse_reply(client.command("INFO", "commandstats")))
    entry = stats.get("cmdstat_ping", "calls=0,")
    return int(entry.split("calls=")[1].split(",")[0])


@pytest.mark.parametrize("extra", [[], ["-P", "16"]], ids=["plain", "pipelined-16"])
def test_benchmark_ping(shared_ferrite, extra):
    before = ping_calls(shared_ferrite)
    status, out, err = run_tool("redis-benchmark", "-p", str(shared_ferrite.port),
                                "-t", "ping_inline,ping_mbulk", "-n", "20000", "-c", "10", "-q",
                                *extra, timeout=120)
    assert status == 0, out + err
    # -q prints progress lines separated by \r, then one final line per test.
    final = [line.rsplit("\r", 1)[-1].strip() for line in out.split("\n") if line.strip()]
    results = {}
    for line in final:
        match = re.fullmatch(r"(PING_INLINE|PING_MBULK): ([\d.]+) requests per second.*", line)
        assert match, f"unexpected output line {line!r} in {out!r}"
        results[match.group(1)] = float(match.group(2))
    assert results.keys() == {"PING_INLINE", "PING_MBULK"}
    assert all(rate > 0 for rate in results.values())
    assert "WARNING" not in err and "ERROR" not in (out + err), err
    # Every request reached the server: 20,000 of each kind.
    assert ping_calls(shared_ferrite) - before >= 40_000
