"""Observing a running server from outside, for the integration tests: waiting for a
condition with a deadline, INFO fields over a raw connection, a process's resident
memory, and whether the server has closed a socket.

Deadlines here are for liveness only ("it happens at all, within a generous bound"):
no test should turn them into speed assertions."""

import errno
import socket
import time

from support.resp import RawClient, parse_reply


def wait_until(predicate, timeout=10.0, interval=0.05, message="condition"):
    """Calls predicate() until it returns a true value, which is returned; raises
    AssertionError naming `message` (and the last value seen) after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message} "
                                 f"(last value: {value!r})")
        time.sleep(interval)


def parse_info(text):
    """INFO's text as {field: str}; section headers and blank lines are skipped."""
    if isinstance(text, bytes):
        text = text.decode()
    fields = {}
    for line in text.splitlines():
        if line and not line.startswith("#") and ":" in line:
            key, value = line.split(":", 1)
            fields[key] = value
    return fields


def info_field(port, field, section=None, password=None):
    """One INFO field, read over a fresh raw connection (which counts as a client
    while it is open)."""
    with RawClient(port) as client:
        if password is not None:
            reply = client.command("AUTH", password)
            assert reply == b"+OK\r\n", reply
        args = ("INFO", section) if section else ("INFO",)
        return parse_info(parse_reply(client.command(*args)))[field]


def rss_bytes(pid):
    """The process's resident set size (VmRSS in /proc/<pid>/status), in bytes."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                value, unit = line.split()[1:3]
                assert unit == "kB", line
                return int(value) * 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


_CLOSED_ERRNOS = (errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED)


def drain_until_closed(sock, timeout=10.0):
    """Reads and discards whatever the peer still sends until it closes the connection.
    Returns (closed, bytes_read): closed is True on end of stream or a reset, False if
    the connection was still open after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    total = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False, total
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(1 << 20)
        except socket.timeout:
            return False, total
        except OSError as error:
            if error.errno in _CLOSED_ERRNOS:
                return True, total
            raise
        if not chunk:
            return True, total
        total += len(chunk)


def is_closed_error(error):
    """Whether an exception from send()/recv() means the peer closed the connection."""
    return isinstance(error, OSError) and error.errno in _CLOSED_ERRNOS
