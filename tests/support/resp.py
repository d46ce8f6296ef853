"""A raw RESP client: sends bytes exactly as given and returns each reply's bytes
exactly as the server sent them, so tests can compare servers byte for byte."""

import socket
from typing import NamedTuple


def encode_command(*args):
    """RESP multibulk encoding of a command; str arguments are UTF-8 encoded."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        if isinstance(arg, str):
            arg = arg.encode()
        elif isinstance(arg, int):
            arg = str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(parts)


class ConnectionClosed(Exception):
    pass


class RawClient:
    def __init__(self, port, host="127.0.0.1", timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buffer = b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def command(self, *args):
        """Sends one command and returns its raw reply."""
        self.send(encode_command(*args))
        return self.read_reply()

    def _fill(self):
        data = self.sock.recv(1 << 16)
        if not data:
            raise ConnectionClosed(self.buffer)
        self.buffer += data

    def _line_end(self, start):
        while True:
            end = self.buffer.find(b"\r\n", start)
            if end >= 0:
                return end
            self._fill()

    def _reply_end(self, pos):
        """Returns the offset just past the reply starting at pos."""
        end = self._line_end(pos)
        kind = self.buffer[pos:pos + 1]
        header = self.buffer[pos + 1:end]
        after = end + 2
        if kind in b"+-:_,#(":
            return after
        if kind in b"$=!":
            length = int(header)
            if length < 0:
                return after
            while len(self.buffer) < after + length + 2:
                self._fill()
            return after + length + 2
        if kind in b"*~>%|":
            count = int(header)
            if count < 0:
                return after
            if kind in b"%|":
                count *= 2
            for _ in range(count):
                after = self._reply_end(after)
            return after
        raise ValueError(f"unexpected reply type byte {kind!r} in {self.buffer[:200]!r}")

    def read_reply(self):
        if not self.buffer:
            self._fill()
        end = self._reply_end(0)
        reply, self.buffer = self.buffer[:end], self.buffer[end:]
        return reply

    def read_available(self, wait=0.05):
        """Returns the bytes already buffered or arriving within `wait` seconds, without
        parsing them (to check that a server sent nothing more). Raises ConnectionClosed
        (with the bytes) if the server closes the connection."""
        old_timeout = self.sock.gettimeout()
        self.sock.settimeout(wait)
        try:
            while True:
                self._fill()
        except (socket.timeout, BlockingIOError):
            pass
        finally:
            self.sock.settimeout(old_timeout)
        data, self.buffer = self.buffer, b""
        return data

    def read_until_closed(self, timeout=5.0):
        """Returns every byte the server sends until it closes the connection. If it
        does not close within `timeout`, socket.timeout is raised and the bytes received
        so far are left in self.buffer."""
        self.sock.settimeout(timeout)
        while True:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                data, self.buffer = self.buffer, b""
                return data
            self.buffer += chunk


def parse_reply(raw):
    """Decodes one raw RESP2/RESP3 reply into Python values (for shape checks)."""
    value, end = _parse(raw, 0)
    if end != len(raw):
        raise ValueError("trailing bytes after reply")
    return value


def _parse(raw, pos):
    end = raw.index(b"\r\n", pos)
    kind, header, after = raw[pos:pos + 1], raw[pos + 1:end], end + 2
    if kind == b"+":
        return header.decode(), after
    if kind == b"-":
        return RespError(header.decode()), after
    if kind == b":":
        return int(header), after
    if kind == b"_":
        return None, after
    if kind == b",":
        return float(header), after
    if kind == b"#":
        return header == b"t", after
    if kind in (b"$", b"=", b"!"):
        length = int(header)
        if length < 0:
            return None, after
        return raw[after:after + length], after + length + 2
    if kind in (b"*", b"~", b">"):
        count = int(header)
        if count < 0:
            return None, after
        items = []
        for _ in range(count):
            item, after = _parse(raw, after)
            items.append(item)
        return items, after
    if kind == b"%":
        items = {}
        for _ in range(int(header)):
            key, after = _parse(raw, after)
            value, after = _parse(raw, after)
            items[key if not isinstance(key, list) else tuple(key)] = value
        return items, after
    raise ValueError(f"unknown reply type {kind!r}")


class RespError(str):
    """An error reply."""


class Resp(NamedTuple):
    """One reply with its RESP type kept, for comparisons that must tell `+OK` from
    `$2 OK` or an array from a set. `kind` is the type byte (b"+", b"$", b"*", b"%", ...);
    `value` is the payload bytes of a scalar (a simple string, error, bulk, verbatim,
    number or boolean; for a verbatim string, with its "txt:" prefix), None for a null
    (`_`, `$-1`, `*-1`), a list of Resp for arrays, sets and pushes, and a list of
    (key, value) Resp pairs for maps and attributes."""
    kind: bytes
    value: object


def parse_typed(raw):
    """Decodes one raw RESP2/RESP3 reply into a Resp tree."""
    value, end = _parse_typed(raw, 0)
    if end != len(raw):
        raise ValueError("trailing bytes after reply")
    return value


def _parse_typed(raw, pos):
    end = raw.index(b"\r\n", pos)
    kind, header, after = raw[pos:pos + 1], raw[pos + 1:end], end + 2
    if kind in (b"+", b"-", b":", b",", b"#", b"("):
        return Resp(kind, header), after
    if kind == b"_":
        return Resp(kind, None), after
    if kind in (b"$", b"=", b"!"):
        length = int(header)
        if length < 0:
            return Resp(kind, None), after
        if raw[after + length:after + length + 2] != b"\r\n":
            raise ValueError("bulk payload not followed by CRLF")
        return Resp(kind, raw[after:after + length]), after + length + 2
    if kind in (b"*", b"~", b">"):
        count = int(header)
        if count < 0:
            return Resp(kind, None), after
        items = []
        for _ in range(count):
            item, after = _parse_typed(raw, after)
            items.append(item)
        return Resp(kind, items), after
    if kind in (b"%", b"|"):
        pairs = []
        for _ in range(int(header)):
            key, after = _parse_typed(raw, after)
            value, after = _parse_typed(raw, after)
            pairs.append((key, value))
        return Resp(kind, pairs), after
    raise ValueError(f"unknown reply type {kind!r}")


def split_replies(data):
    """Splits bytes holding replies one after another (such as everything a server sent
    before closing). Returns (replies, rest): the complete replies' raw bytes, and an
    incomplete or unparsable tail (empty when there is none)."""
    replies, pos = [], 0
    while pos < len(data):
        try:
            _, end = _parse_typed(data, pos)
        except (ValueError, IndexError):
            break
        replies.append(data[pos:end])
        pos = end
    return replies, data[pos:]
