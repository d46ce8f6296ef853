"""A seeded generator of random requests for the commands Ferrite implements, in
batches meant to be pipelined to redis-server and ferrite-server alike.

Arguments are drawn to hit edge cases: empty strings, NUL/CR/LF and high bytes, huge
and negative numbers, wrong arities, random letter case, unknown subcommands. Nothing
changes the servers' shared state for good: every CONFIG SET is followed by one that
restores the values the servers were started with, CLIENT KILL only names clients that
do not exist, SHUTDOWN is never sent. Each request knows how its reply is compared (the
modes of case_format.py), and the generator tracks CLIENT REPLY OFF/SKIP so that it
knows which requests get a reply."""

import random
from dataclasses import dataclass, field

from case_format import quote_arg
from support.resp import encode_command

# Values both servers are started with (CONFIG SET restores them).
CONFIG_DEFAULTS = {
    "maxclients": "10000",
    "timeout": "0",
    "tcp-keepalive": "300",
    "hz": "10",
    "loglevel": "notice",
    "requirepass": "",
    "client-query-buffer-limit": "1073741824",
    "proto-max-bulk-len": "536870912",
    "client-output-buffer-limit":
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
}
# Parameters that exist on both servers with the same value; CONFIG SET on the
# immutable ones fails on both.
CONFIG_GET_NAMES = list(CONFIG_DEFAULTS) + ["databases", "save", "appendonly", "tcp-backlog"]
# Globs that match only parameters both servers have.
CONFIG_GLOBS = ["maxclient?", "tcp-*", "*keepalive", "databas[ef]s", "proto-*", "requirepas?",
                "*level", "time*", "h?"]
CONFIG_VALUES = {
    "maxclients": ["1", "0", "-1", "5000", "abc", "4294967296", "10000"],
    "timeout": ["0", "-1", "1.5", "100", "abc", "2147483648"],
    "tcp-keepalive": ["0", "60", "-1", "x"],
    "hz": ["0", "1", "500", "1000", "-1", "abc"],
    "loglevel": ["debug", "verbose", "notice", "warning", "WARNING", "nothing", "bogus", ""],
    "requirepass": ["", "secret", "a b"],
    "client-query-buffer-limit": ["1mb", "1kb", "2gb", "abc", "-1", "1.5mb"],
    "proto-max-bulk-len": ["1mb", "1kb", "1g", "abc", "-1"],
    "client-output-buffer-limit": ["pubsub 64mb 16mb 120", "normal 1 2", "nosuch 0 0 0",
                                   "normal a b c", "", "replica 1gb 512mb 30"],
    "databases": ["16", "8"],
    "save": [""],
    "appendonly": ["no", "maybe"],  # "yes" would start an AOF on Redis
    "tcp-backlog": ["511", "100"],
}
INFO_SECTIONS = ["server", "clients", "stats", "replication", "cpu", "errorstats", "keyspace",
                 "commandstats", "nosuch", ""]
INTEGERS = ["0", "1", "-1", "2", "3", "15", "16", "17", "100", "2147483647", "2147483648",
            "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-9223372036854775809", "99999999999999999999", " 1",
            "1 ", "+1", "01", "-0", "0x10", "1.5", "1e3", "", "abc", "\x00", "1\x00"]
PROTOCOL_ERRORS = [b"*x\r\n", b"*1\r\n$x\r\n", b"*1\r\nPING\r\n", b"*1\r\n$-1\r\n",
                   b"ECHO \"abc\r\n", b"ECHO 'a'b\r\n", b"*2147483648\r\n"]
MISSING_CLIENT_ID = "999999999"


@dataclass
class Request:
    """One request: what is sent, how its reply is compared, whether one is expected."""
    data: bytes
    text: str
    compare: str = "exact"
    option: object = None
    replies: bool = True       # filled in by the reply model
    closes: bool = False       # the server closes the connection after replying


@dataclass
class Batch:
    requests: list = field(default_factory=list)

    @property
    def closes(self):
        return bool(self.requests) and self.requests[-1].closes


class Generator:
    def __init__(self, seed, command_names, redis_command_names):
        """command_names: Ferrite's full command names ("ping", "client|list", ...);
        redis_command_names: Redis's, so that random words never name a real command."""
        self.rng = random.Random(seed)
        self.names = sorted(command_names)
        self.reserved = {word for name in redis_command_names for word in name.split("|")}
        self.reply_off = False
        self.skip_next = False   # CLIENT REPLY SKIP seen: silence the next request
        self.skip_now = False    # this request is silenced by the previous SKIP

    # ---- arguments

    def case(self, word):
        r = self.rng.random()
        if r < 0.5:
            return word
        if r < 0.7:
            return word.upper()
        return "".join(c.upper() if self.rng.random() < 0.5 else c.lower() for c in word)

    def keyword(self, word):
        """An option keyword in random case, now and then followed by a NUL byte and
        junk, which Redis ignores (it compares keywords with strcasecmp)."""
        word = self.case(word)
        if self.rng.random() < 0.03:
            word += "\x00" + self.rng.choice(["", "x", "junk"])
        return word

    def string(self):
        rng = self.rng
        r = rng.random()
        if r < 0.15:
            return rng.choice(["", "a", "hello", "x y", "é", "\x00", "a\x00b", "\r\n", "a\r\nb",
                               "'", '"', "\\", "%s%n"])
        if r < 0.35:
            return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
        if r < 0.42:
            return "x" * rng.choice([127, 128, 129, 200, 300, 1000])
        if r < 0.44:
            return "y" * rng.randrange(10_000, 100_000)
        if r < 0.6:
            return rng.choice(INTEGERS)
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789-_.:|")
                       for _ in range(rng.randrange(1, 12)))

    def unknown_word(self):
        """A random word that is no command or subcommand name."""
        word = self.string()
        text = word.decode("latin-1") if isinstance(word, bytes) else word
        return "nosuch" if text.lower() in self.reserved else word

    def strings(self, low, high):
        return [self.string() for _ in range(self.rng.randint(low, high))]

    def name(self):
        """A valid client name, or sometimes not."""
        if self.rng.random() < 0.8:
            length = self.rng.randint(1, 20)
            return "".join(self.rng.choice("abcXYZ019-_.:!~") for _ in range(length))
        return self.string()

    def command_name(self):
        r = self.rng.random()
        if r < 0.8:
            return self.case(self.rng.choice(self.names))
        if r < 0.9:
            return "nosuch" + str(self.rng.randrange(100))
        return self.unknown_word()

    def version(self):
        return self.rng.choice(["2", "3", "3", "2", "1", "4", "0", "-1", "abc", "", "3.0",
                                "9223372036854775808"])

    # ---- requests

    def ping(self):
        return [self.case("ping"), *self.strings(0, 2 if self.rng.random() < 0.8 else 3)]

    def echo(self):
        count = 1 if self.rng.random() < 0.85 else self.rng.choice([0, 2])
        return [self.case("echo"), *self.strings(count, count)]

    def select(self):
        rng = self.rng
        r = rng.random()
        if r < 0.6:
            return [self.case("select"), str(rng.randrange(16))]
        if r < 0.9:
            return [self.case("select"), rng.choice(INTEGERS)]
        return [self.case("select"), *self.strings(0, 3)]

    def hello(self):
        rng = self.rng
        args = [self.case("hello")]
        if rng.random() < 0.9:
            args.append(self.version())
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            r = rng.random()
            if r < 0.4:
                user = rng.choice(["default", "default", "DEFAULT", "nosuch"])
                args += [self.keyword("auth"), user, self.string()][:rng.choice([3, 3, 3, 2, 1])]
            elif r < 0.85:
                args += [self.keyword("setname"), self.name()][:rng.choice([2, 2, 2, 1])]
            else:
                args.append(self.string())
        return args

    def auth(self):
        rng = self.rng
        r = rng.random()
        if r < 0.4:
            return [self.case("auth"), self.string()]
        if r < 0.8:
            return [self.case("auth"), rng.choice(["default", "nosuch", "DEFAULT"]), self.string()]
        return [self.case("auth"), *self.strings(0, 4)]

    def reset(self):
        return [self.case("reset")] + self.strings(0, 1 if self.rng.random() < 0.1 else 0)

    def client(self):
        rng = self.rng
        sub = rng.choice(["id", "info", "list", "list", "kill", "kill", "setname", "getname",
                          "reply", "getredir", "help", "nosuch", None])
        args = [self.case("client")]
        if sub is None:
            return args
        args.append(self.case(sub) if sub != "nosuch" else self.unknown_word())
        if sub == "list":
            r = rng.random()
            if r < 0.3:
                args += [self.keyword("type"),
                         self.keyword(rng.choice(["master", "replica", "slave", "pubsub",
                                                  "nosuch", ""]))]
            elif r < 0.6:
                ids = [MISSING_CLIENT_ID, "0", "-1", "abc", "1.5"]
                args += [self.keyword("id")] + [rng.choice(ids) for _ in range(rng.randint(0, 3))]
            elif r < 0.7:
                args += self.strings(1, 3)
        elif sub == "kill":
            args += self.client_kill_filters()
        elif sub == "setname":
            args += [self.name()] if rng.random() < 0.9 else self.strings(0, 2)
        elif sub == "reply":
            mode = rng.choice(["on", "on", "off", "skip", "skip", "nosuch", ""])
            args += [self.keyword(mode)] if rng.random() < 0.9 else [mode, "extra"]
        elif rng.random() < 0.1:
            args += self.strings(1, 2)
        return args

    def client_kill_filters(self):
        """Filters that match no client: at least one of them names nobody."""
        rng = self.rng
        if rng.random() < 0.2:
            return [rng.choice(["1.2.3.4:5", "", "127.0.0.1:1", "nosuch"])]
        missing = [[self.keyword("id"), MISSING_CLIENT_ID],
                   [self.keyword("addr"), "1.2.3.4:5"],
                   [self.keyword("laddr"), "1.2.3.4:6"],
                   [self.keyword("type"), rng.choice(["master", "replica", "slave", "pubsub"])],
                   [self.keyword("user"), "nosuch"]]
        others = [[self.keyword("skipme"), rng.choice(["yes", "no", "maybe"])],
                  [self.keyword("id"), rng.choice(["0", "-1", "abc"])],
                  [self.keyword("type"), rng.choice(["normal", "nosuch"])],
                  [self.keyword("user"), "default"],
                  [self.keyword("maxage"), "1"],
                  [self.string()]]
        filters = [rng.choice(missing)] + [rng.choice(others) for _ in range(rng.randint(0, 2))]
        rng.shuffle(filters)
        return [word for f in filters for word in f]

    def command(self):
        rng = self.rng
        sub = rng.choice(["count", "info", "info", "docs", "list", "getkeys", "getkeys", "help",
                          "nosuch", None])
        args = [self.case("command")]
        if sub is None:
            return args, "subset"
        if sub == "nosuch":
            return args + [self.unknown_word()] + self.strings(0, 2), "exact"
        args.append(self.case(sub))
        if sub == "count":
            return args + self.strings(0, 1 if rng.random() < 0.1 else 0), "type"
        if sub == "help":
            return args + self.strings(0, 1 if rng.random() < 0.1 else 0), "type"
        if sub == "info":
            names = [self.command_name() for _ in range(rng.randint(0, 4))]
            return args + names, "subset"
        if sub == "docs":
            names = [self.command_name() for _ in range(rng.randint(1, 3))]
            return args + names, "docs"
        if sub == "list":
            r = rng.random()
            if r < 0.5:
                kind, value = rng.choice([("pattern", "nosuch*"), ("pattern", "ping"),
                                          ("pattern", "cl?ent|i[d]"), ("aclcat", "nosuch"),
                                          ("module", "nosuch"), ("pattern", "")])
                return args + [self.keyword("filterby"), self.keyword(kind), value], "exact"
            if r < 0.8:
                return args + self.strings(1, 4), "exact"
            return args, "subset"
        # getkeys
        name = rng.choice(self.names).split("|")
        return args + [self.case(w) for w in name] + self.strings(0, 3), "exact"

    def config_get(self):
        rng = self.rng
        patterns = [rng.choice(CONFIG_GET_NAMES) if rng.random() < 0.7 else rng.choice(CONFIG_GLOBS)
                    for _ in range(rng.randint(0, 3))]
        if rng.random() < 0.2:
            patterns.append(rng.choice(["nosuch", "", "nosuch*"]))
        return [self.case("config"), self.case("get"), *patterns]

    def config_set(self):
        """CONFIG SET, then the restoring CONFIG SET (two requests)."""
        rng = self.rng
        names = [rng.choice(list(CONFIG_VALUES)) for _ in range(rng.randint(1, 3))]
        args = [self.case("config"), self.case("set")]
        for name in names:
            args += [self.case(name) if rng.random() < 0.2 else name,
                     rng.choice(CONFIG_VALUES[name])]
        if rng.random() < 0.1:
            args = args[:-1] if rng.random() < 0.5 else args + [self.string()]
        restore = ["config", "set"]
        for name in dict.fromkeys(names):
            if name in CONFIG_DEFAULTS:
                restore += [name, CONFIG_DEFAULTS[name]]
        return [args, restore] if len(restore) > 2 else [args]

    def config(self):
        rng = self.rng
        r = rng.random()
        if r < 0.4:
            return [(self.config_get(), "pairs")]
        if r < 0.75:
            return [(args, "exact") for args in self.config_set()]
        if r < 0.8:
            return [([self.case("config"), self.case("resetstat")], "exact")]
        if r < 0.85:
            return [([self.case("config"), self.case("help")], "type")]
        if r < 0.95:
            return [([self.case("config"), self.unknown_word(), *self.strings(0, 2)], "exact")]
        return [([self.case("config")], "exact")]

    def info(self):
        return [self.case("info"), *[self.keyword(self.rng.choice(INFO_SECTIONS))
                                     for _ in range(self.rng.randint(0, 3))]]

    def unknown(self):
        rng = self.rng
        name = rng.choice(["nosuch", "NoSuch", "", "\x00x", "a\r\nb", "x" * 130, "é"])
        if rng.random() < 0.3:
            name = self.unknown_word()
        return [name, *self.strings(0, rng.choice([0, 2, 5, 30]))]

    def next_commands(self):
        """One logical operation: a list of (args, compare mode, option)."""
        rng = self.rng
        kind = rng.choices(
            ["ping", "echo", "select", "hello", "auth", "reset", "client", "command", "config",
             "info", "time", "unknown"],
            weights=[8, 8, 6, 8, 4, 2, 20, 10, 12, 3, 2, 6])[0]
        if kind == "client":
            args = self.client()
            sub = args[1].lower() if len(args) > 1 and isinstance(args[1], str) else ""
            if len(args) == 2 and sub == "id":
                return [(args, "shape", None)]
            if len(args) == 2 and sub == "info":
                return [(args, "clientlist", None)]
            if sub == "list":
                return [(args, "clientlist", None)]
            if sub == "help" and len(args) == 2:
                return [(args, "type", None)]
            return [(args, "exact", None)]
        if kind == "command":
            args, mode = self.command()
            return [(args, mode, None)]
        if kind == "config":
            return [(args, mode, None) for args, mode in self.config()]
        if kind == "hello":
            return [(self.hello(), "mask", (b"id",))]
        if kind == "info":
            return [(self.info(), "info", None)]
        if kind == "time":
            return [([self.case("time")] + self.strings(0, 1 if rng.random() < 0.2 else 0),
                     "shape", None)]
        method = getattr(self, kind)
        return [(method(), "exact", None)]

    # ---- encoding and the reply model

    def encode(self, args):
        args = [a.encode() if isinstance(a, str) else a for a in args]
        text = " ".join(quote_arg(a) for a in args)
        if self.rng.random() < 0.2 and len(text) < 60_000:
            line = text
            if line.startswith("*"):
                line = '"' + line.split(" ", 1)[0] + '"' + line[len(line.split(" ", 1)[0]):]
            return line.encode() + b"\r\n", text + "   (inline)"
        return encode_command(*args), text

    def model(self, request, args):
        """Decides whether the request gets a reply, as Redis does, and updates the
        CLIENT REPLY state."""
        muted = self.reply_off or self.skip_now
        # Keywords count up to a NUL byte, as in Redis; names do not.
        lowered = [a.lower() if isinstance(a, str) else a for a in args]
        if len(lowered) == 3 and isinstance(lowered[2], str):
            lowered[2] = lowered[2].split("\x00")[0]
        if len(args) == 3 and lowered[:2] == ["client", "reply"]:
            if lowered[2] == "on":
                self.reply_off = False
                muted = False
            elif lowered[2] == "off":
                self.reply_off = True
                muted = True
            elif lowered[2] == "skip":
                if not self.reply_off:
                    self.skip_next = True
                muted = True
        elif len(args) == 1 and lowered[0] == "reset":
            # RESET turns replies back on before replying, but a SKIP still silences it.
            self.reply_off = False
            self.skip_next = False
            muted = self.skip_now
        request.replies = not muted
        self.end_of_request()

    def end_of_request(self):
        self.skip_now, self.skip_next = self.skip_next, False

    def batch(self, size):
        """About `size` requests; the last may be QUIT or a protocol error, which close
        the connection (only when replies are on, since Redis never closes a silenced
        connection)."""
        batch = Batch()
        while len(batch.requests) < size:
            if self.rng.random() < 0.02:
                data = self.rng.choice([b"*0\r\n", b"\r\n", b"*-1\r\n"])
                batch.requests.append(Request(data, f"raw {data!r}", replies=False))
                self.end_of_request()
                continue
            for args, mode, option in self.next_commands():
                data, text = self.encode(args)
                request = Request(data, text, mode, option)
                self.model(request, args)
                batch.requests.append(request)
        if not self.reply_off and not self.skip_now and self.rng.random() < 0.15:
            if self.rng.random() < 0.5:
                args = [self.case("quit"), *self.strings(0, 1)]
                data, text = self.encode(args)
            else:
                data = self.rng.choice(PROTOCOL_ERRORS)
                text = f"raw {data!r}"
            batch.requests.append(Request(data, text, closes=True))
            self.reply_off = self.skip_now = self.skip_next = False
        return batch

    def sentinel(self, token):
        """The requests that end a batch that keeps its connection: CLIENT REPLY ON, so
        that every later reply is sent, and an ECHO whose reply marks the end."""
        requests = []
        for args in (["CLIENT", "REPLY", "ON"], ["ECHO", token]):
            request = Request(encode_command(*args), " ".join(args))
            self.model(request, args)
            requests.append(request)
        return requests

    def reconnected(self):
        self.reply_off = self.skip_now = self.skip_next = False
