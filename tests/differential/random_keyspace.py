"""A seeded generator of random keyspace requests (strings, bitmaps, keys, expiry,
databases) over a small pool of keys and values, in batches meant to be pipelined to
redis-server and ferrite-server alike.

Keys come from a pool of a dozen names (empty, binary, with NUL/CR/LF) in databases 0
and 1, so commands keep meeting each other's keys; values and arguments are drawn to
hit edge cases: integers at the 64-bit limits and in non-canonical forms, floats with
exponents, inf and nan, empty and binary strings, negative and out-of-range offsets,
wrong arities, conflicting options, random letter case.

Nothing depends on the clock, so every reply is compared byte for byte except where the
clock shows (the modes of case_format.py): relative expiries are at least 1000 seconds
away and apart by far more than a run lasts, so none passes during a run, and GT/LT
only come with absolute times; expiries in the past (GETEX k EXAT 1, EXPIRE k -1)
delete at once, and SET never gets one (it would leave an expired key that DBSIZE
counts until something looks it up); TTL, PTTL, EXPIRETIME and PEXPIRETIME are
compared with @ttl, RANDOMKEY by shape, KEYS and one-call SCANs (COUNT beyond the pool)
with @sorted; OBJECT ENCODING, REFCOUNT and IDLETIME may show their documented differences.
Offsets that would be accepted stay small, so no request allocates much memory."""

import random
from dataclasses import dataclass

from case_format import quote_arg
from support.resp import encode_command

# Commands Ferrite does not have yet (tests/differential/pending/README.md): the
# generator leaves them out until they are built.
PENDING_COMMANDS = set()

KEYS = ["k1", "k2", "k3", "n", "f", "bits", "", "bin\x00\r\n", b"\xff\xfe", "k:long", "x y",
        "{k1}"]
INTEGERS = ["0", "1", "-1", "7", "100", "-100", "255", "9223372036854775807",
            "-9223372036854775808", "9223372036854775806", "-9223372036854775807",
            "9223372036854775808", "-9223372036854775809", "99999999999999999999", "-0", "+1",
            " 1", "1 ", "01", "0x10", "1e3", "1.5", "", "abc", "1\x00"]
FLOATS = ["0", "1.5", "-1.5", "0.1", "-0.1", "1e3", "1E-2", "5.0e+2", ".5", "5.", "-0",
          "3.0000000000000000001", "1e17", "1e308", "-1e308", "1.7e308", "1e400", "1e-400",
          "inf", "-inf", "+inf", "nan", "  1.5", "1.5 ", "1,5", "0x10", "", "abc",
          "123456789.123456789"]
STRINGS = ["", "v", "hello", "Hello, World", "foobar", "\x00", "a\x00b", "\r\n", "a\r\nb",
           b"\xff\x00\xf0", b"\x0f\xf0\xaa", "ohmytext", "mynewtext", "x" * 44, "x" * 45,
           "0123456789" * 30, "é"]
# Relative expiries: seconds (and milliseconds as whole seconds), far apart.
SECONDS = ["1000", "2000", "5000", "100000"]
MILLISECONDS = ["1000000", "3000000", "7000000"]
# Absolute expiries: far in the future, or in the past (which deletes the key).
UNIX_SECONDS = ["4102444800", "4102448400", "1", "0"]
UNIX_MILLISECONDS = ["4102444800000", "4102444800500", "4102448400000", "1", "0"]
FUTURE_SECONDS = [t for t in UNIX_SECONDS if len(t) > 1]
FUTURE_MILLISECONDS = [t for t in UNIX_MILLISECONDS if len(t) > 1]
BAD_TIMES = ["0", "-1", "abc", "1.5", "", "9223372036854775807", "9223372036854775808",
             "-9223372036854775808", "9223372036854775"]
OFFSETS = ["0", "1", "3", "7", "8", "15", "100", "1000"]
# Offsets each command refuses (a byte offset of 536870912 is a valid bit offset, and
# would make a 64 MB string).
BAD_BYTE_OFFSETS = ["-1", "abc", "1.5", "536870912", "9223372036854775808"]
BAD_BIT_OFFSETS = ["-1", "abc", "1.5", "4294967296", "9223372036854775808", "#-1",
                   "#4294967296"]
RANGE_INDEXES = ["0", "1", "2", "-1", "-2", "5", "-5", "100", "-100", "9223372036854775807",
                 "-9223372036854775808", "abc"]
BITFIELD_TYPES = ["u1", "i1", "u4", "i4", "u8", "i8", "u16", "i16", "u63", "i64", "u64",
                  "i65", "u0", "x8", "U8"]
GLOBS = ["*", "k*", "k?", "*1*", "[kn]*", "[^k]*", "\\{k1}", "bin*", "", "nosuch"]
# Larger than the pool ever grows: a SCAN with it finishes in one call.
SCAN_COUNT = "1000"


@dataclass
class Request:
    """One request: its bytes, how it reads in a report, how its reply is compared."""
    data: bytes
    text: str
    compare: str = "exact"
    option: object = None


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)

    # ---- arguments

    def case(self, word):
        r = self.rng.random()
        if r < 0.6:
            return word
        if r < 0.8:
            return word.lower()
        return "".join(c.upper() if self.rng.random() < 0.5 else c.lower() for c in word)

    def pick(self, *pools):
        return self.rng.choice(self.rng.choice(pools))

    def key(self):
        return self.rng.choice(KEYS)

    def keys(self, low, high):
        return [self.key() for _ in range(self.rng.randint(low, high))]

    def value(self):
        r = self.rng.random()
        if r < 0.45:
            return self.rng.choice(STRINGS)
        if r < 0.8:
            return self.rng.choice(INTEGERS)
        return self.rng.choice(FLOATS)

    def maybe_extra(self, args, chance=0.05):
        """Now and then one argument too many or too few."""
        r = self.rng.random()
        if r < chance:
            return args + [self.value()]
        if r < 2 * chance and len(args) > 1:
            return args[:-1]
        return args

    def expiry_option(self, with_keepttl=True, past=True):
        """EX/PX/EXAT/PXAT (or KEEPTTL) and a time. Without `past`, no absolute time in
        the past: SET leaves such a key in place until it is next looked up or the
        background expiry finds it, so DBSIZE would depend on timing."""
        rng = self.rng
        r = rng.random()
        if r < 0.25:
            return [self.case("EX"), rng.choice(SECONDS)]
        if r < 0.4:
            return [self.case("PX"), rng.choice(MILLISECONDS)]
        if r < 0.55:
            return [self.case("EXAT"), rng.choice(UNIX_SECONDS if past else FUTURE_SECONDS)]
        if r < 0.7:
            return [self.case("PXAT"),
                    rng.choice(UNIX_MILLISECONDS if past else FUTURE_MILLISECONDS)]
        if r < 0.8 and with_keepttl:
            return [self.case("KEEPTTL")]
        if r < 0.9:
            return [self.case(rng.choice(["EX", "PX", "EXAT", "PXAT"])), rng.choice(BAD_TIMES)]
        return [self.case(rng.choice(["EX", "PX"]))]

    # ---- strings

    def set(self):
        rng = self.rng
        args = ["SET", self.key(), self.value()]
        options = []
        if rng.random() < 0.5:
            options.append(self.expiry_option(past=False))
        if rng.random() < 0.3:
            options.append([self.case(rng.choice(["NX", "XX"]))])
        if rng.random() < 0.25:
            options.append([self.case("GET")])
        if rng.random() < 0.08:
            options.append(rng.choice([self.expiry_option(past=False), [self.case("NX")],
                                       [self.case("XX")], ["nosuch"]]))
        rng.shuffle(options)
        return args + [w for option in options for w in option]

    def strings(self):
        rng = self.rng
        kind = rng.choice(["get", "set", "set", "set", "setnx", "setex", "psetex", "getset",
                           "getdel", "getex", "mget", "mset", "msetnx", "append", "strlen",
                           "getrange", "substr", "setrange", "lcs"])
        if kind == "get":
            return [self.maybe_extra(["GET", self.key()])]
        if kind == "set":
            return [self.set()]
        if kind == "setnx":
            return [self.maybe_extra(["SETNX", self.key(), self.value()])]
        if kind == "setex":
            time = rng.choice(SECONDS) if rng.random() < 0.8 else rng.choice(BAD_TIMES)
            return [self.maybe_extra(["SETEX", self.key(), time, self.value()])]
        if kind == "psetex":
            time = rng.choice(MILLISECONDS) if rng.random() < 0.8 else rng.choice(BAD_TIMES)
            return [self.maybe_extra(["PSETEX", self.key(), time, self.value()])]
        if kind == "getset":
            return [self.maybe_extra(["GETSET", self.key(), self.value()])]
        if kind == "getdel":
            return [self.maybe_extra(["GETDEL", self.key()])]
        if kind == "getex":
            args = ["GETEX", self.key()]
            r = rng.random()
            if r < 0.6:
                args += self.expiry_option(with_keepttl=False)
            elif r < 0.8:
                args.append(self.case("PERSIST"))
            elif r < 0.9:
                args += self.expiry_option(False) + rng.choice([[self.case("PERSIST")],
                                                                self.expiry_option(False)])
            else:
                args.append(rng.choice(["KEEPTTL", "NX", "nosuch"]))
            return [args]
        if kind == "mget":
            return [["MGET", *self.keys(0 if rng.random() < 0.05 else 1, 4)]]
        if kind in ("mset", "msetnx"):
            args = [kind.upper()]
            for _ in range(rng.randint(1, 3)):
                args += [self.key(), self.value()]
            if rng.random() < 0.05:
                args = args[:-1]
            return [args]
        if kind == "append":
            return [self.maybe_extra(["APPEND", self.key(), self.value()])]
        if kind == "strlen":
            return [self.maybe_extra(["STRLEN", self.key()])]
        if kind in ("getrange", "substr"):
            return [self.maybe_extra([kind.upper(), self.key(), rng.choice(RANGE_INDEXES),
                                      rng.choice(RANGE_INDEXES)])]
        if kind == "setrange":
            offset = rng.choice(OFFSETS) if rng.random() < 0.85 \
                else rng.choice(BAD_BYTE_OFFSETS)
            return [self.maybe_extra(["SETRANGE", self.key(), offset, self.value()])]
        # lcs
        args = ["LCS", self.key(), self.key()]
        r = rng.random()
        if r < 0.3:
            args.append(self.case("LEN"))
        elif r < 0.7:
            args.append(self.case("IDX"))
            if rng.random() < 0.5:
                args += [self.case("MINMATCHLEN"), rng.choice(["0", "1", "2", "4", "-1", "abc"])]
            if rng.random() < 0.5:
                args.append(self.case("WITHMATCHLEN"))
        elif r < 0.8:
            args += [self.case("LEN"), self.case("IDX")]
        return [args]

    def counters(self):
        rng = self.rng
        kind = rng.choice(["incr", "decr", "incrby", "decrby", "incrbyfloat"])
        key = rng.choice(["n", "f", "k1", self.key()])
        if kind in ("incr", "decr"):
            return [self.maybe_extra([kind.upper(), key])]
        if kind == "incrbyfloat":
            return [self.maybe_extra(["INCRBYFLOAT", key, rng.choice(FLOATS)])]
        return [self.maybe_extra([kind.upper(), key, rng.choice(INTEGERS)])]

    # ---- bitmaps

    def bitmaps(self):
        rng = self.rng
        kind = rng.choice(["setbit", "setbit", "getbit", "bitcount", "bitpos", "bitop",
                           "bitfield", "bitfield", "bitfield_ro"])
        key = rng.choice(["bits", "bits", self.key()])
        if kind == "setbit":
            offset = rng.choice(OFFSETS) if rng.random() < 0.85 \
                else rng.choice(BAD_BIT_OFFSETS[:5])
            bit = rng.choice(["0", "1"]) if rng.random() < 0.9 else rng.choice(["2", "-1", "x"])
            return [self.maybe_extra(["SETBIT", key, offset, bit])]
        if kind == "getbit":
            offset = rng.choice(OFFSETS + ["4294967295"]) if rng.random() < 0.85 \
                else rng.choice(BAD_BIT_OFFSETS[:5])
            return [self.maybe_extra(["GETBIT", key, offset])]
        if kind in ("bitcount", "bitpos"):
            args = [kind.upper(), key]
            if kind == "bitpos":
                args.append(rng.choice(["0", "1"]) if rng.random() < 0.9 else "2")
            if rng.random() < 0.6:
                args.append(rng.choice(RANGE_INDEXES))
                if rng.random() < 0.7 or kind == "bitcount":
                    args.append(rng.choice(RANGE_INDEXES))
                    if rng.random() < 0.4:
                        args.append(self.case(rng.choice(["BYTE", "BIT", "BIT", "nosuch"])))
            return [args]
        if kind == "bitop":
            op = rng.choice(["AND", "OR", "XOR", "NOT", "nosuch"])
            sources = self.keys(1, 1) if op == "NOT" and rng.random() < 0.9 else self.keys(1, 3)
            return [["BITOP", self.case(op), self.key(), *sources]]
        operations = []
        for _ in range(rng.randint(0 if rng.random() < 0.05 else 1, 4)):
            r = rng.random()
            kind_of = "GET" if kind == "bitfield_ro" and r < 0.9 else None
            bf_type = rng.choice(BITFIELD_TYPES[:10]) if rng.random() < 0.9 \
                else rng.choice(BITFIELD_TYPES)
            offset = rng.choice(OFFSETS + ["#0", "#1", "#3"]) if rng.random() < 0.9 \
                else rng.choice(BAD_BIT_OFFSETS)
            if kind_of == "GET" or r < 0.3:
                operations += [self.case("GET"), bf_type, offset]
            elif r < 0.55:
                operations += [self.case("SET"), bf_type, offset, rng.choice(INTEGERS[:13])]
            elif r < 0.8:
                operations += [self.case("INCRBY"), bf_type, offset, rng.choice(INTEGERS[:13])]
            elif r < 0.95:
                operations += [self.case("OVERFLOW"),
                               self.case(rng.choice(["WRAP", "SAT", "FAIL", "nosuch"]))]
            else:
                operations += [rng.choice(["GET", "SET", "nosuch"])]
        return [[kind.upper(), key, *operations]]

    # ---- keys, expiry, databases

    def keyspace(self):
        rng = self.rng
        kinds = ["del", "unlink", "exists", "type", "touch", "rename", "renamenx", "copy", "move",
                 "randomkey", "keys", "scan", "dbsize", "object"]
        kind = rng.choice([k for k in kinds if k not in PENDING_COMMANDS])
        if kind in ("del", "unlink", "exists", "touch"):
            return [[kind.upper(), *self.keys(0 if rng.random() < 0.03 else 1, 4)]]
        if kind == "type":
            return [self.maybe_extra(["TYPE", self.key()])]
        if kind in ("rename", "renamenx"):
            return [self.maybe_extra([kind.upper(), self.key(), self.key()])]
        if kind == "copy":
            args = ["COPY", self.key(), self.key()]
            options = []
            if rng.random() < 0.4:
                options.append([self.case("DB"), rng.choice(["0", "1", "1", "16", "-1", "x"])])
            if rng.random() < 0.4:
                options.append([self.case("REPLACE")])
            if rng.random() < 0.05:
                options.append(["nosuch"])
            rng.shuffle(options)
            return [args + [w for option in options for w in option]]
        if kind == "move":
            return [self.maybe_extra(["MOVE", self.key(), rng.choice(["0", "1", "1", "16",
                                                                      "-1", "x"])])]
        if kind == "randomkey":
            return [(["RANDOMKEY"], "shape")]
        if kind == "keys":
            return [(["KEYS", rng.choice(GLOBS)], "sorted")]
        if kind == "scan":
            args = ["SCAN", "0"]
            options = [[self.case("COUNT"), SCAN_COUNT]]
            if rng.random() < 0.5:
                options.append([self.case("MATCH"), rng.choice(GLOBS)])
            if rng.random() < 0.3:
                options.append([self.case("TYPE"), rng.choice(["string", "list", "nosuch"])])
            rng.shuffle(options)
            return [(args + [w for option in options for w in option], "sorted")]
        if kind == "dbsize":
            return [["DBSIZE"]]
        sub = rng.choice(["ENCODING", "ENCODING", "REFCOUNT", "IDLETIME", "FREQ", "nosuch"])
        args = ["OBJECT", self.case(sub), self.key()]
        # Documented differences (docs/compatibility.md): an encoding named from the
        # bytes alone; no access clock for IDLETIME.
        known = {"ENCODING": "encoding-from-bytes", "REFCOUNT": "refcount-from-bytes",
                 "IDLETIME": "access-not-tracked"}
        return [(args, "or-known", known[sub]) if sub in known else (args, "exact")]

    def expiry(self):
        rng = self.rng
        kind = rng.choice(["expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl",
                           "expiretime", "pexpiretime", "persist"])
        key = self.key()
        if kind in ("ttl", "pttl", "expiretime", "pexpiretime"):
            return [([kind.upper(), key], "ttl")]
        if kind == "persist":
            return [self.maybe_extra(["PERSIST", key])]
        times = {"expire": SECONDS + ["0", "-1"], "pexpire": MILLISECONDS + ["-1"],
                 "expireat": UNIX_SECONDS, "pexpireat": UNIX_MILLISECONDS}[kind]
        time = rng.choice(times) if rng.random() < 0.85 else rng.choice(BAD_TIMES)
        args = [kind.upper(), key, time]
        # GT and LT compare with the key's current expiry: two relative expiries of the
        # same length set at different moments compare by the clock, so GT and LT go
        # with absolute times only (a relative expiry is far from every absolute one).
        conditions = ["NX", "XX", "GT", "LT"] if kind.endswith("at") else ["NX", "XX"]
        if rng.random() < 0.4:
            args.append(self.case(rng.choice(conditions)))
            if rng.random() < 0.15:
                args.append(self.case(rng.choice(conditions + ["nosuch"])))
        return [args]

    def databases(self):
        rng = self.rng
        r = rng.random()
        if r < 0.5:
            return [["SELECT", rng.choice(["0", "1", "0", "1", "16", "x"])]]
        if r < 0.85:
            return [self.maybe_extra(["SWAPDB", rng.choice(["0", "1", "x"]),
                                      rng.choice(["0", "1", "16"])])]
        if r < 0.95:
            return [["FLUSHDB", *rng.choice([[], [], ["ASYNC"], ["SYNC"], ["nosuch"]])]]
        return [["FLUSHALL", *rng.choice([[], ["SYNC"], ["nosuch"]])]]

    # ---- requests

    def next_commands(self):
        """One logical operation: a list of (args, compare mode, option)."""
        kind = self.rng.choices(["strings", "counters", "bitmaps", "keyspace", "expiry",
                                 "databases"], weights=[35, 12, 18, 17, 14, 4])[0]
        commands = getattr(self, kind)()
        commands = [c if isinstance(c, tuple) else (c, "exact") for c in commands]
        return [c if len(c) == 3 else (*c, None) for c in commands]

    def request(self, args, compare="exact", option=None):
        args = [self.case(args[0])] + args[1:]
        args = [a.encode() if isinstance(a, str) else a for a in args]
        return Request(encode_command(*args), " ".join(quote_arg(a) for a in args), compare,
                       option)

    def batch(self, size):
        requests = []
        while len(requests) < size:
            for args, compare, option in self.next_commands():
                requests.append(self.request(args, compare, option))
        return requests

    @staticmethod
    def cleanup():
        """The requests that leave the servers as they were: every database empty, the
        connection on database 0."""
        return [Request(encode_command("FLUSHALL"), "FLUSHALL"),
                Request(encode_command("SELECT", "0"), "SELECT 0")]
