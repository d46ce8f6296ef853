"""Runs case files against redis-server and ferrite-server side by side: each step goes
to both servers over one connection each, and what comes back is compared under the
step's mode. A difference does not stop the run, so one failure lists them all."""

import socket
from dataclasses import dataclass, field

from diff_compare import compare_replies, show
from known_differences import known_difference
from support.resp import ConnectionClosed, RawClient, encode_command, parse_reply, parse_typed

# How long a server may take to answer before it counts as not answering. Both servers
# answer in microseconds; this only bounds how long a missing reply delays the run.
REPLY_TIMEOUT = 2.0
# How long a server that should close the connection may keep it open. Both close at
# once after their last reply, so this is the cost of a server that never closes.
CLOSE_TIMEOUT = 1.0
# Placeholders in case-file arguments, replaced by each connection's own CLIENT INFO
# fields: {client-id}, {client-addr}, {client-laddr}.
PLACEHOLDERS = {b"{client-id}": b"id", b"{client-addr}": b"addr", b"{client-laddr}": b"laddr"}
# The most calls one @scan step makes before it counts as an iteration that never ends.
MAX_SCAN_CALLS = 10000


@dataclass
class Observed:
    """What one server did in one step: the raw replies it sent and, when the connection
    ended or went quiet, how ("closed" or "no reply")."""
    replies: list = field(default_factory=list)
    event: str = None

    def render(self):
        parts = [show(r) for r in self.replies]
        if self.event:
            parts.append(f"<{self.event}>")
        return " ".join(parts) if parts else "<nothing>"


@dataclass
class Outcome:
    """One step on both servers: what each did, and why they differ (None if they agree)."""
    where: str
    reason: str
    redis: Observed
    ferrite: Observed

    def format(self):
        return (f"{self.where}\n"
                f"  difference: {self.reason}\n"
                f"  redis:   {self.redis.render()}\n"
                f"  ferrite: {self.ferrite.render()}")


class Side:
    """One server's connection."""

    def __init__(self, name, port):
        self.name = name
        self.port = port
        self.client = None
        self.placeholders = {}

    def connect(self, fetch_info=False):
        """Opens a fresh connection (and, with fetch_info, reads the values of the
        placeholders from CLIENT INFO). A server that refuses it (after SHUTDOWN, or a
        crash) leaves the side unconnected: its later steps observe "no connection"."""
        self.close()
        self.placeholders = {}
        try:
            self.client = RawClient(self.port, timeout=REPLY_TIMEOUT)
        except OSError:
            return
        if fetch_info:
            info = parse_reply(self.client.command("CLIENT", "INFO"))
            fields = dict(field.split(b"=", 1) for field in info.split() if b"=" in field)
            self.placeholders = {key: fields[name] for key, name in PLACEHOLDERS.items()}

    def substitute(self, arg):
        for key, value in self.placeholders.items():
            arg = arg.replace(key, value)
        return arg

    def close(self):
        if self.client is not None:
            self.client.close()
            self.client = None

    def send(self, data):
        """Sends bytes; returns False when the server has already closed the connection."""
        try:
            self.client.send(data)
            return True
        except (BrokenPipeError, ConnectionResetError):
            return False

    def read_replies(self, count):
        observed = Observed()
        try:
            for _ in range(count):
                observed.replies.append(self.client.read_reply())
        except ConnectionClosed as closed:
            if closed.args[0]:
                observed.replies.append(closed.args[0])
            observed.event = "closed"
        except ConnectionResetError:
            observed.event = "closed"
        except socket.timeout:
            if self.client.buffer:
                observed.replies.append(self.client.buffer)
            observed.event = f"no reply within {REPLY_TIMEOUT}s"
        return observed

    def read_until_closed(self):
        data = b""
        try:
            data = self.client.read_until_closed(timeout=CLOSE_TIMEOUT)
            event = "closed"
        except ConnectionResetError:
            data, event = self.client.buffer, "closed"
        except socket.timeout:
            data, event = self.client.buffer, f"still open after {CLOSE_TIMEOUT}s"
        return Observed([data] if data else [], event)

    def read_stray(self):
        """Bytes the server sent that no step asked for."""
        if self.client is None:
            return Observed()
        try:
            data = self.client.read_available(0.05)
            return Observed([data] if data else [])
        except (ConnectionClosed, ConnectionResetError) as e:
            data = e.args[0] if isinstance(e, ConnectionClosed) else b""
            return Observed([data] if data else [], "closed")


def compare_observed(step_compare, option, redis, ferrite):
    """None when the two observations match, else the reason."""
    if step_compare == "known":
        return known_difference(option, redis, ferrite)
    if redis.event != ferrite.event:
        return f"Redis: {redis.event or 'replied'}; Ferrite: {ferrite.event or 'replied'}"
    if len(redis.replies) != len(ferrite.replies):
        return f"{len(ferrite.replies)} replies instead of {len(redis.replies)}"
    for n, (r, f) in enumerate(zip(redis.replies, ferrite.replies)):
        # Bytes read up to a close are compared as they are.
        mode = "exact" if redis.event else step_compare
        reason = compare_replies(mode, r, f, option)
        if reason:
            return reason if len(redis.replies) == 1 else f"reply {n + 1}: {reason}"
    return None


class DiffSession:
    """A connection to each server, through which steps are replayed."""

    def __init__(self, redis_port, ferrite_port):
        self.sides = (Side("redis", redis_port), Side("ferrite", ferrite_port))
        self.fetch_info = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for side in self.sides:
            side.close()

    def connect(self):
        for side in self.sides:
            side.connect(self.fetch_info)

    def start(self, case):
        """Opens the connections for a case (reading CLIENT INFO first if the case uses
        placeholders)."""
        self.fetch_info = any(key in arg for step in case.steps for arg in step.args
                              for key in PLACEHOLDERS)
        self.connect()

    def run_case(self, case):
        """Runs every step of a CaseFile; returns the list of Differences."""
        self.start(case)
        differences = []
        for step in case.steps:
            outcome = self.run_step(step)
            if outcome and outcome.reason:
                differences.append(outcome)
        # Only bytes count here: whether a server is still there after the last line
        # (say, after SHUTDOWN) is a matter of timing.
        stray = [side.read_stray() for side in self.sides]
        for observed in stray:
            observed.event = None
        reason = compare_observed("exact", None, *stray)
        if reason:
            differences.append(Outcome("after the last line", f"unrequested bytes: {reason}",
                                          *stray))
        return differences

    def run_step(self, step):
        """Runs one step on both servers; returns its Outcome (None for @reconnect)."""
        if step.send == "reconnect":
            self.connect()
            return None
        observed = [self._perform(side, step) for side in self.sides]
        reason = compare_observed(step.compare, step.compare_option, *observed)
        # A connection that ended (or stalled) is replaced on both sides, so that the
        # servers are in step again for the next line.
        if any(o.event for o in observed) or step.send in ("close", "raw-close"):
            self.connect()
        return Outcome(step.describe(), reason, *observed)

    def _perform(self, side, step):
        if side.client is None:
            return Observed(event="no connection")
        if step.send in ("raw", "raw-close"):
            data = step.raw
        else:
            args = [side.substitute(arg) for arg in step.args]
            data = encode_command(*args)
        sent = side.send(data)
        if step.send in ("close", "raw-close") or not sent:
            return side.read_until_closed()
        if step.send == "noreply":
            return Observed()
        if step.send == "scan":
            return _scan_all(side, args, side.read_replies(1))
        return side.read_replies(step.replies if step.send == "raw" else 1)


def scan_page(raw):
    """(cursor, elements) of a SCAN-family reply, or None when it is no such page."""
    try:
        reply = parse_typed(raw)
    except ValueError:
        return None
    if reply.kind != b"*" or reply.value is None or len(reply.value) != 2:
        return None
    cursor, elements = reply.value
    if cursor.kind != b"$" or cursor.value is None or elements.kind != b"*" \
            or elements.value is None or any(e.kind != b"$" or e.value is None
                                             for e in elements.value):
        return None
    return cursor.value, [e.value for e in elements.value]


def _scan_all(side, args, observed):
    """@scan: iterates from the first reply (observed) until the cursor is 0; returns the
    Observed holding one array of every element seen, sorted, without duplicates."""
    args = list(args)
    at = 1 if args[0].lower() == b"scan" else 2
    in_pairs = args[0].lower() in (b"hscan", b"zscan")
    seen = set()
    for _ in range(MAX_SCAN_CALLS):
        if observed.event:
            return observed
        page = scan_page(observed.replies[0])
        if page is None:
            return observed
        cursor, elements = page
        if in_pairs:
            seen.update(zip(elements[0::2], elements[1::2]))
        else:
            seen.update((e,) for e in elements)
        if cursor == b"0" or len(args) <= at:
            flat = [e for group in sorted(seen) for e in group]
            return Observed([encode_command(*flat)])
        args[at] = cursor
        if not side.send(encode_command(*args)):
            return side.read_until_closed()
        observed = side.read_replies(1)
    return Observed(event=f"iteration not over after {MAX_SCAN_CALLS} calls")


def report(title, differences):
    """The failure message for a list of differing Outcomes."""
    lines = [f"{len(differences)} difference(s) between redis-server and ferrite-server "
             f"in {title}:"]
    for n, difference in enumerate(differences, 1):
        lines.append(f"[{n}] {difference.format()}")
    return "\n".join(lines)
