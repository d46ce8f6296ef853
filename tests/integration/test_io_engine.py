"""Which disk I/O engine the server runs, with io_uring present and with it removed for
real: tests/tools' ferrite-no-io-uring runs the server under a seccomp filter that makes
the io_uring system calls fail with ENOSYS, as they fail on a kernel built without
io_uring. `auto` then falls back to the thread pool with one warning saying why, and
`uring` stops startup saying why."""

import ctypes
import errno
import os
import re
import subprocess
import sys

import pytest

from support.probes import parse_info
from support.resp import RawClient, parse_reply
from support.servers import ferrite_binary, free_port, no_io_uring_launcher, start_ferrite

# The system call numbers are the same on every architecture (added in Linux 5.1).
IO_URING_SETUP, IO_URING_ENTER, IO_URING_REGISTER = 425, 426, 427

# One warning line, in Redis's log format: "pid:M date time # message".
FALLBACK_LINE = re.compile(
    r"^\d+:M \d\d \w\w\w \d{4} [\d:.]+ # io_uring is unavailable \((?P<reason>.+)\); "
    r"using the thread-pool I/O engine$", re.MULTILINE)
UNAVAILABLE = "io_uring: creating a ring: Function not implemented"


def io_uring_syscall_errno(number, *args):
    """0 if the system call succeeded (a file descriptor it returned is closed), else
    its errno, as seen by this very process."""
    libc = ctypes.CDLL(None, use_errno=True)
    result = libc.syscall(number, *args)
    if result >= 0:
        os.close(result)
        return 0
    return ctypes.get_errno()


def io_uring_works_here():
    """Whether this process may create a ring (container profiles often forbid it)."""
    params = ctypes.create_string_buffer(120)  # struct io_uring_params, zeroed
    return io_uring_syscall_errno(IO_URING_SETUP, 1, params) == 0


def info_io(port):
    with RawClient(port) as client:
        return parse_info(parse_reply(client.command("INFO", "io")))


def run_to_exit(tmp_path, argv, timeout=20):
    result = subprocess.run(argv, cwd=tmp_path, timeout=timeout, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    return result.returncode, result.stdout.decode(errors="replace")


def test_launcher_makes_io_uring_calls_fail_with_enosys(tmp_path):
    probe = ("import ctypes, os\n"
             "libc = ctypes.CDLL(None, use_errno=True)\n"
             "params = ctypes.create_string_buffer(120)\n"
             "for number, args in ((425, (1, params)), (426, (-1, 0, 0, 0, None, 0)),"
             " (427, (-1, 0, None, 0))):\n"
             "    result = libc.syscall(number, *args)\n"
             "    print(number, result, ctypes.get_errno())\n")
    status, output = run_to_exit(tmp_path, [no_io_uring_launcher(), sys.executable, "-c", probe])
    assert status == 0, output
    for number in (IO_URING_SETUP, IO_URING_ENTER, IO_URING_REGISTER):
        assert f"{number} -1 {errno.ENOSYS}\n" in output, output
    if io_uring_works_here():
        # Without the filter the kernel handles the same calls (and refuses the bad
        # arguments for what they are).
        assert io_uring_syscall_errno(IO_URING_REGISTER, -1, 0, None, 0) not in (0, errno.ENOSYS)
        assert io_uring_syscall_errno(IO_URING_ENTER, -1, 0, 0, 0, None, 0) == errno.EBADF


def test_launcher_usage_errors(tmp_path):
    status, output = run_to_exit(tmp_path, [no_io_uring_launcher()])
    assert status == 2, output
    assert "usage: ferrite-no-io-uring PROGRAM" in output
    status, output = run_to_exit(tmp_path, [no_io_uring_launcher(), str(tmp_path / "missing")])
    assert status == 127, output
    assert "can't run" in output


def test_auto_falls_back_to_threads_without_io_uring(tmp_path):
    server = start_ferrite(tmp_path, "--io.engine", "auto", launcher=[no_io_uring_launcher()])
    try:
        info = info_io(server.port)
        assert info["io_engine"] == "threads"
        assert info["io_engine_requested"] == "auto"
        assert info["io_fallback_reason"] == UNAVAILABLE
        assert info["io_settings"] == "threads=8,buffers=64x65536"
        assert info["io_pool_threads"] == "8"
        log = server.log_path.read_text()
        warnings = FALLBACK_LINE.findall(log)
        assert warnings == [UNAVAILABLE], log
        assert log.count("I/O engine: threads (threads=8 buffers=64x65536)") == 1, log
        # The warning comes before the server says it is ready.
        assert log.index("io_uring is unavailable") < log.index("Ready to accept"), log
    finally:
        assert server.stop() == 0


def test_uring_without_io_uring_fails_startup(tmp_path):
    status, output = run_to_exit(tmp_path, [
        no_io_uring_launcher(), ferrite_binary(), "--port", str(free_port()),
        "--dir", str(tmp_path / "data"), "--io.engine", "uring"], timeout=10)
    assert status == 1, output
    assert f'# io engine "uring" is unavailable: {UNAVAILABLE}\n' in output, output
    assert "Failed starting the I/O engine, aborting." in output, output
    assert "Ready to accept" not in output
    assert "using the thread-pool I/O engine" not in output


def test_threads_never_touch_io_uring(tmp_path):
    # The thread-pool engine needs no io_uring at all: no probe, no warning.
    server = start_ferrite(tmp_path, launcher=[no_io_uring_launcher()],
                           config_text='[io]\nengine = "threads"\npool_threads = 3\n')
    try:
        info = info_io(server.port)
        assert info["io_engine"] == "threads"
        assert info["io_engine_requested"] == "threads"
        assert info["io_fallback_reason"] == ""
        assert info["io_settings"] == "threads=3,buffers=64x65536"
        assert info["io_pool_threads"] == "3"
        assert "io_uring is unavailable" not in server.log_path.read_text()
    finally:
        assert server.stop() == 0


def test_auto_picks_uring_where_it_works(tmp_path):
    if not io_uring_works_here():
        pytest.skip("io_uring is not available to this process")
    server = start_ferrite(tmp_path)
    try:
        info = info_io(server.port)
        assert info["io_engine"] == "uring"
        assert info["io_engine_requested"] == "auto"
        assert info["io_fallback_reason"] == ""
        assert info["io_settings"].startswith("entries=256,cq_entries=512,"), info
        log = server.log_path.read_text()
        assert "io_uring is unavailable" not in log
        assert log.count("I/O engine: uring (entries=256") == 1, log
    finally:
        assert server.stop() == 0


def test_io_section_in_default_info(shared_ferrite):
    with RawClient(shared_ferrite.port) as client:
        text = parse_reply(client.command("INFO")).decode()
    headers = [line for line in text.splitlines() if line.startswith("#")]
    assert headers.index("# IO") == headers.index("# Persistence") + 1, headers
    fields = parse_info(text)
    for name in ("io_ops", "io_ops_read", "io_ops_write", "io_ops_fsync", "io_bytes_read",
                 "io_bytes_written", "io_in_flight", "io_errors", "io_resubmissions",
                 "io_submit_calls"):
        assert fields[name] == "0", name  # nothing uses the engines yet
    for name in ("io_latency_p50_us", "io_latency_p99_us", "io_latency_p999_us"):
        assert fields[name] == "0.000", name


def test_io_parameters_are_startup_only(tmp_path):
    server = start_ferrite(tmp_path, "--io.pool_threads", "2", "--io.direct_io", "no")
    try:
        with RawClient(server.port) as client:
            pairs = parse_reply(client.command("CONFIG", "GET", "io.*"))
            assert dict(zip(pairs[::2], pairs[1::2])) == {
                b"io.engine": b"auto", b"io.uring_entries": b"256",
                b"io.registered_buffers": b"64", b"io.uring_sqpoll": b"no",
                b"io.direct_io": b"no", b"io.pool_threads": b"2"}
            for name, value in (("io.engine", "threads"), ("io.pool_threads", "4")):
                assert client.command("CONFIG", "SET", name, value) == (
                    f"-ERR CONFIG SET failed (possibly related to argument '{name}') - "
                    "can't set immutable config\r\n").encode()
            info = parse_info(parse_reply(client.command("INFO", "io")))
        assert info["io_pool_threads"] == "2"
        assert info["io_direct"] == "0"
    finally:
        server.stop()


def test_bad_io_value_fails_startup(tmp_path):
    config = tmp_path / "ferrite.toml"
    config.write_text('port = 0\n[io]\nengine = "fast"\n')
    status, output = run_to_exit(tmp_path, [ferrite_binary(), str(config)])
    assert status == 1, output
    assert (f"{config}:3: bad value for 'io.engine': argument(s) must be one of the "
            "following: auto, uring, threads") in output, output
    status, output = run_to_exit(tmp_path, [ferrite_binary(), "--io.uring_entries", "0"])
    assert status == 1, output
    assert "bad value for '--io.uring_entries'" in output, output


def test_help_lists_io_parameters(tmp_path):
    status, output = run_to_exit(tmp_path, [ferrite_binary(), "--help"])
    assert status == 0, output
    for option in ("--io.engine", "--io.uring_entries", "--io.registered_buffers",
                   "--io.uring_sqpoll", "--io.direct_io", "--io.pool_threads"):
        assert option in output, option
