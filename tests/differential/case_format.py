"""The format of the differential case files (tests/differential/cases/*.txt).

A case file is a script of requests sent, one at a time, to a real redis-server and to
ferrite-server over one fresh connection each; their replies are compared. Lines:

    # a comment                     ignored (only when `#` is the line's first non-blank)
                                    blank lines are ignored
    CONFIG GET maxclients           a command: its reply must be the same bytes
    @shape CLIENT ID                directives (words starting with `@`) before a command
                                    change how it is sent or how replies are compared

Arguments are split as redis-cli splits them: on blanks; "double quotes" allow blanks and
the escapes \\xHH, \\n, \\r, \\t, \\b, \\a, \\\\ and \\" (any other \\c is c); 'single
quotes' allow blanks and \\' only. A closing quote must be followed by a blank or the end
of the line. One extension: a quoted argument immediately followed by `*N` is repeated N
times ("ab"*3 is ababab), for long arguments.

How a line is sent (at most one of these):

    (none)                send the command RESP-encoded and read one reply
    @noreply CMD          send it and read nothing: the server must stay silent (CLIENT
                          REPLY OFF / SKIP); a stray reply shows up at the next command
    @close CMD            send it, then read every byte until the server closes the
                          connection (QUIT); a fresh connection is opened afterwards
    @raw "BYTES"          send the bytes exactly (the words are joined without blanks) and
                          read one reply; @raw:N reads N replies, @raw:0 none
    @raw-close "BYTES"    send the bytes, then read every byte until the server closes the
                          connection (protocol errors); a fresh connection follows
    @reconnect            (alone on its line) open fresh connections to both servers
    @scan CMD             a SCAN-family command (SCAN cursor ..., or SSCAN/HSCAN/ZSCAN key
                          cursor ...), sent again and again with the cursor each reply
                          gives until it is 0 (at most 10000 calls); the step's reply is
                          an array of every element returned, duplicates dropped, sorted
                          (HSCAN/ZSCAN: field/value pairs kept together, sorted by pair),
                          so that a whole iteration is compared whatever the cursors and
                          the order; an error (or a reply that is no SCAN page) ends the
                          iteration and is the step's reply

How replies are compared (default: byte for byte; at most one of these):

    @shape       same RESP types throughout, same aggregate lengths, same map keys; the
                 values of simple strings, bulks, numbers and errors may differ
    @type        only the reply's outermost RESP type must match, and an array's elements
                 be of types found among Redis's elements (COMMAND COUNT, help texts)
    @subset      Ferrite's reply may list fewer commands (COMMAND, COMMAND INFO, COMMAND
                 LIST): arrays of equal length are compared element by element, otherwise
                 each of Ferrite's elements must equal Redis's element of the same name
                 (an entry's name is its first element); in COMMAND INFO entries a
                 container's subcommand list (the last element) may itself be a subset
    @docs        COMMAND DOCS: the same commands, each with the same fields in the same
                 order; the prose (summary, complexity, history texts) compared by shape,
                 everything else (since, group, each argument's name, type, token,
                 flags, ...) byte for byte; a container's subcommands may be fewer;
                 @docs:all lets Ferrite list fewer commands (COMMAND DOCS with no names)
    @sorted      an array (or set) with the same elements in any order, as many times
                 each (KEYS); elements that are arrays are compared the same way, so a
                 SCAN page matches with the same cursor and keys in any order; any
                 other reply byte for byte
    @ttl         an integer that depends on the clock when positive (TTL, PTTL,
                 EXPIRETIME of a relative expiry): zero and negative values (-1 no
                 expiry, -2 no key) must be equal, a positive one must be positive
    @slowlog     SLOWLOG GET: the same entries in order, each of the same shape, with the
                 same arguments and client name byte for byte (the id, time, duration
                 and client address depend on the process and the clock)
    @pairs       a map, or a flat array of name/value pairs: the same pairs in any order
                 (CONFIG GET with several patterns follows dict order in Redis)
    @mask:K1,K2  byte for byte, except the values of map keys (or of name/value pairs in a
                 flat array) named K1, K2, ... are compared by shape (HELLO's `id`)
    @clientlist  CLIENT LIST / CLIENT INFO text: same RESP type, same lines with the same
                 fields in the same order; the values must match except for fields that
                 depend on the process (id, addr, fd, age, memory sizes, ...)
    @info        INFO text: same RESP type and the same "# Section" headers in order,
                 besides Ferrite's own sections (`# IO`, docs/compatibility.md)
    @known:NAME  a difference Ferrite keeps on purpose (known_differences.py, explained
                 in docs/compatibility.md): both servers must behave as that entry says

File-level directive (before the first command):

    @server ARGS...       run this file against its own pair of servers, each started
                          with these extra command-line arguments (both servers take the
                          same `--name value` form), instead of the shared pair; `@server`
                          alone gives a pair of its own with no extra arguments

In arguments, {client-id}, {client-addr} and {client-laddr} stand for the connection's
own ID, address and local address on each server (as CLIENT INFO shows them, read right
after connecting).
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

SEND_MODES = ("command", "noreply", "close", "raw", "raw-close", "reconnect", "scan")
COMPARE_MODES = ("exact", "shape", "type", "subset", "docs", "pairs", "mask", "clientlist",
                 "info", "known", "sorted", "ttl", "slowlog")


class CaseSyntaxError(ValueError):
    pass


@dataclass
class Step:
    """One line of a case file."""
    line_no: int
    text: str                      # the line as written, for reports
    send: str = "command"          # one of SEND_MODES
    compare: str = "exact"         # one of COMPARE_MODES
    args: list = field(default_factory=list)  # command arguments (bytes)
    raw: bytes = b""               # for raw sends
    replies: int = 1               # replies to read (raw sends)
    compare_option: object = None  # @mask: the key names (bytes); @docs:all: "all"

    def describe(self):
        return f"line {self.line_no}: {self.text}" if self.line_no else self.text

    @classmethod
    def command(cls, *args, compare="exact", option=None):
        """A step built by a test rather than read from a file."""
        args = [a.encode() if isinstance(a, str) else a for a in args]
        return cls(line_no=0, text=" ".join(quote_arg(a) for a in args), args=args,
                   compare=compare, compare_option=option)


def quote_arg(arg):
    """An argument as it would be written in a case file."""
    if arg and all(33 <= b < 127 and b not in b'"\\\'' for b in arg):
        return arg.decode()
    out = []
    for b in arg:
        c = chr(b)
        if c in '"\\':
            out.append("\\" + c)
        elif 32 <= b < 127:
            out.append(c)
        else:
            out.append(f"\\x{b:02x}")
    return '"' + "".join(out) + '"'


@dataclass
class CaseFile:
    path: Path
    server_args: list      # extra arguments for the file's own servers
    steps: list
    dedicated: bool = False  # True: the file needs servers of its own (@server)


_HEX = "0123456789abcdefABCDEF"
_ESCAPES = {"n": b"\n", "r": b"\r", "t": b"\t", "b": b"\b", "a": b"\a"}
_REPEAT = re.compile(r"\*(\d+)")


def split_args(line):
    """Splits a line into byte-string arguments as redis-cli's sdssplitargs does, plus
    the `"quoted"*N` repetition. Text is UTF-8 encoded; \\xHH gives the byte HH.
    Raises CaseSyntaxError on unbalanced quotes."""
    args = []
    i, n = 0, len(line)
    while True:
        while i < n and line[i].isspace():
            i += 1
        if i >= n:
            return args
        current = bytearray()
        in_double = in_single = False
        while True:
            c = line[i] if i < n else ""
            if in_double:
                if c == "\\" and line[i + 1:i + 2] == "x" and i + 3 < n \
                        and line[i + 2] in _HEX and line[i + 3] in _HEX:
                    current.append(int(line[i + 2:i + 4], 16))
                    i += 4
                elif c == "\\" and i + 1 < n:
                    current += _ESCAPES.get(line[i + 1], line[i + 1].encode())
                    i += 2
                elif c == '"':
                    i = _after_closing_quote(line, i + 1, current)
                    break
                elif c == "":
                    raise CaseSyntaxError("unbalanced double quotes")
                else:
                    current += c.encode()
                    i += 1
            elif in_single:
                if c == "\\" and line[i + 1:i + 2] == "'":
                    current += b"'"
                    i += 2
                elif c == "'":
                    i = _after_closing_quote(line, i + 1, current)
                    break
                elif c == "":
                    raise CaseSyntaxError("unbalanced single quotes")
                else:
                    current += c.encode()
                    i += 1
            else:
                if c == "" or c.isspace():
                    break
                if c == '"':
                    in_double = True
                elif c == "'":
                    in_single = True
                else:
                    current += c.encode()
                i += 1
        args.append(bytes(current))


def _after_closing_quote(line, i, current):
    """Returns the index after a closing quote and any `*N` repetition of the argument;
    checks that a blank or the end of the line follows."""
    match = _REPEAT.match(line, i)
    if match:
        current[:] = bytes(current) * int(match.group(1))
        i = match.end()
    if i < len(line) and not line[i].isspace():
        raise CaseSyntaxError("closing quote must be followed by a space")
    return i


def parse_line(line_no, line):
    """Parses one non-comment line into a Step."""
    step = Step(line_no=line_no, text=line.strip())
    rest = line.strip()
    while rest.startswith("@"):
        word, _, rest = rest.partition(" ")
        rest = rest.lstrip()
        name, _, option = word[1:].partition(":")
        if name in ("noreply", "close", "raw", "raw-close", "reconnect", "scan"):
            if step.send != "command":
                raise CaseSyntaxError(f"two send directives: @{step.send} and {word}")
            step.send = name
            if name == "raw" and option:
                step.replies = int(option)
        elif name in COMPARE_MODES and name != "exact":
            if step.compare != "exact":
                raise CaseSyntaxError(f"two compare directives: @{step.compare} and {word}")
            step.compare = name
            if name == "mask":
                if not option:
                    raise CaseSyntaxError("@mask needs keys: @mask:id")
                step.compare_option = tuple(key.encode() for key in option.split(","))
            elif name == "known":
                if not option:
                    raise CaseSyntaxError("@known needs a name: @known:closes-silenced-connection")
                step.compare_option = option
            elif name == "docs" and option:
                if option != "all":
                    raise CaseSyntaxError("@docs takes only :all")
                step.compare_option = option
        else:
            raise CaseSyntaxError(f"unknown directive {word}")
    words = split_args(rest)
    if step.send == "reconnect":
        if words:
            raise CaseSyntaxError("@reconnect takes no command")
        return step
    if not words:
        raise CaseSyntaxError("no command after the directives")
    if step.send in ("raw", "raw-close"):
        step.raw = b"".join(words)
    else:
        step.args = words
    return step


def parse_case_text(text, path=Path("<text>")):
    server_args = []
    steps = []
    dedicated = False
    for line_no, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            if stripped.startswith("@server ") or stripped == "@server":
                if steps:
                    raise CaseSyntaxError("@server must come before the first command")
                server_args += [w.decode() for w in split_args(stripped[len("@server"):])]
                dedicated = True
                continue
            steps.append(parse_line(line_no, line))
        except CaseSyntaxError as e:
            raise CaseSyntaxError(f"{path}:{line_no}: {e}") from None
    return CaseFile(path=path, server_args=server_args, steps=steps, dedicated=dedicated)


def parse_case_file(path):
    path = Path(path)
    return parse_case_text(path.read_text(encoding="utf-8"), path)
