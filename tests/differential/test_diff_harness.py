"""The harness's own pieces that need no server: the @sorted comparison and the @scan
iteration (with a scripted stand-in for a server's connection)."""

import pytest

from case_format import CaseSyntaxError, parse_line
from diff_compare import compare_replies
from diff_runner import Observed, _scan_all, scan_page
from support.resp import encode_command


def bulks(*items):
    return encode_command(*items)


# ---- @sorted

def test_sorted_directive_parses():
    step = parse_line(1, "@sorted KEYS *")
    assert (step.compare, step.send, step.args) == ("sorted", "command", [b"KEYS", b"*"])


def test_sorted_directive_conflicts_with_another_comparison():
    with pytest.raises(CaseSyntaxError):
        parse_line(1, "@sorted @shape KEYS *")


def test_sorted_accepts_any_order():
    assert compare_replies("sorted", bulks("a", "b", "c"), bulks("c", "a", "b")) is None


def test_sorted_counts_repeats():
    reason = compare_replies("sorted", bulks("a", "a", "b"), bulks("a", "b", "b"))
    assert "missing" in reason and "extra" in reason


def test_sorted_reports_a_missing_element():
    reason = compare_replies("sorted", bulks("a", "b"), bulks("a"))
    assert reason.startswith("1 elements instead of 2") and "b'b'" in reason


def test_sorted_ignores_order_inside_nested_arrays():
    # A SCAN page: the cursor and the keys, in any order.
    redis = b"*2\r\n$1\r\n0\r\n" + bulks("k1", "k2", "k3")
    assert compare_replies("sorted", redis, b"*2\r\n$1\r\n0\r\n" + bulks("k3", "k1", "k2")) is None
    assert compare_replies("sorted", redis, b"*2\r\n$1\r\n5\r\n" + bulks("k3", "k1", "k2")) \
        is not None
    assert compare_replies("sorted", redis, b"*2\r\n$1\r\n0\r\n" + bulks("k3", "k1")) is not None


def test_sorted_tells_types_apart():
    # A bulk "1" is not the integer 1, even as an element.
    assert compare_replies("sorted", b"*1\r\n$1\r\n1\r\n", b"*1\r\n:1\r\n") is not None


def test_sorted_needs_the_same_aggregate_type():
    assert compare_replies("sorted", b"*1\r\n$1\r\na\r\n", b"~1\r\n$1\r\na\r\n") is not None


def test_sorted_compares_other_replies_exactly():
    assert compare_replies("sorted", b"-ERR x\r\n", b"-ERR x\r\n") is None
    assert compare_replies("sorted", b"-ERR x\r\n", b"-ERR y\r\n") is not None
    assert compare_replies("sorted", b"*-1\r\n", b"*0\r\n") is not None


# ---- @ttl

def test_ttl_directive_parses():
    assert parse_line(1, "@ttl PTTL k").compare == "ttl"


def test_ttl_accepts_any_positive_value():
    assert compare_replies("ttl", b":99998\r\n", b":100000\r\n") is None


def test_ttl_compares_negative_and_zero_exactly():
    assert compare_replies("ttl", b":-1\r\n", b":-1\r\n") is None
    assert compare_replies("ttl", b":-1\r\n", b":-2\r\n") == "-2 instead of -1"
    assert compare_replies("ttl", b":-2\r\n", b":5\r\n") == "5 instead of -2"
    assert compare_replies("ttl", b":5\r\n", b":-1\r\n") == "-1 instead of 5"
    assert compare_replies("ttl", b":0\r\n", b":1\r\n") is not None


def test_ttl_compares_other_replies_exactly():
    assert compare_replies("ttl", b"-ERR x\r\n", b":1\r\n") is not None
    assert compare_replies("ttl", b"$1\r\n1\r\n", b":1\r\n") is not None


# ---- @scan

def test_scan_directive_parses():
    step = parse_line(3, "@scan @sorted SCAN 0 COUNT 2")
    assert (step.send, step.compare, step.args) == ("scan", "sorted",
                                                    [b"SCAN", b"0", b"COUNT", b"2"])


def test_scan_directive_conflicts_with_another_send_mode():
    with pytest.raises(CaseSyntaxError):
        parse_line(1, "@scan @raw SCAN 0")


def page(cursor, *elements):
    return b"*2\r\n" + bulks(cursor)[4:] + bulks(*elements)


def test_page_helper():
    assert page("7", "a") == b"*2\r\n$1\r\n7\r\n*1\r\n$1\r\na\r\n"


def test_scan_page():
    assert scan_page(page("12", "a", "b")) == (b"12", [b"a", b"b"])
    assert scan_page(page("0")) == (b"0", [])
    assert scan_page(b"-ERR syntax error\r\n") is None
    assert scan_page(bulks("0", "a")) is None           # no inner array
    assert scan_page(b"*2\r\n:0\r\n*0\r\n") is None     # the cursor is no bulk
    assert scan_page(b"*2\r\n$1\r\n0\r\n") is None      # incomplete


class ScriptedSide:
    """Answers each command with the next scripted reply and records what was sent."""

    def __init__(self, replies):
        self.replies = list(replies)
        self.sent = []

    def send(self, data):
        self.sent.append(data)
        return True

    def read_replies(self, count):
        return Observed([self.replies.pop(0) for _ in range(count)])


def run_scan(command, replies):
    side = ScriptedSide(replies[1:])
    args = [a.encode() for a in command.split()]
    return _scan_all(side, args, Observed([replies[0]])), side.sent


def test_scan_follows_cursors_and_collects_every_element():
    observed, sent = run_scan("SCAN 0 MATCH k* COUNT 2",
                              [page("6", "k2", "k1"), page("5"), page("0", "k3", "k1")])
    assert observed.replies == [bulks("k1", "k2", "k3")]
    assert sent == [encode_command("SCAN", "6", "MATCH", "k*", "COUNT", "2"),
                    encode_command("SCAN", "5", "MATCH", "k*", "COUNT", "2")]


def test_scan_of_a_key_puts_the_cursor_after_the_key():
    observed, sent = run_scan("SSCAN s 0", [page("3", "m"), page("0", "n")])
    assert observed.replies == [bulks("m", "n")]
    assert sent == [encode_command("SSCAN", "s", "3")]


def test_hscan_keeps_field_value_pairs_together():
    observed, _ = run_scan("HSCAN h 0", [page("1", "f2", "v", "f1", "z"), page("0", "f2", "v")])
    assert observed.replies == [bulks("f1", "z", "f2", "v")]


def test_an_empty_iteration_is_an_empty_array():
    observed, _ = run_scan("SCAN 0", [page("0")])
    assert observed.replies == [b"*0\r\n"]


def test_an_error_ends_the_iteration_and_is_the_reply():
    error = b"-ERR invalid cursor\r\n"
    observed, _ = run_scan("SCAN x", [error])
    assert observed.replies == [error]
    observed, _ = run_scan("SCAN 0", [page("4", "a"), error])
    assert observed.replies == [error]


def test_a_scan_that_never_ends_is_reported():
    observed, sent = run_scan("SCAN 0", [page("1")] * 20_000)
    assert observed.event.startswith("iteration not over") and len(sent) == 10_000


# ---- @slowlog

def slowlog_entry(entry_id, when, duration, args, peer, name):
    out = b"*6\r\n:%d\r\n:%d\r\n:%d\r\n*%d\r\n" % (entry_id, when, duration, len(args))
    for arg in [*args, peer, name]:
        out += b"$%d\r\n%s\r\n" % (len(arg), arg)
    return out


def test_slowlog_directive_parses():
    assert parse_line(1, "@slowlog SLOWLOG GET").compare == "slowlog"


def test_slowlog_masks_ids_times_durations_and_addresses():
    redis = b"*1\r\n" + slowlog_entry(7, 1700000000, 12, [b"ECHO", b"x"], b"127.0.0.1:5", b"n")
    ferrite = b"*1\r\n" + slowlog_entry(3, 1800000000, 345, [b"ECHO", b"x"],
                                        b"127.0.0.1:60000", b"n")
    assert compare_replies("slowlog", redis, ferrite) is None


def test_slowlog_compares_arguments_and_names():
    redis = b"*1\r\n" + slowlog_entry(1, 1, 1, [b"ECHO", b"x"], b"a:1", b"n")
    assert compare_replies(
        "slowlog", redis, b"*1\r\n" + slowlog_entry(1, 1, 1, [b"ECHO", b"y"], b"a:1", b"n"))
    assert compare_replies(
        "slowlog", redis, b"*1\r\n" + slowlog_entry(1, 1, 1, [b"ECHO", b"x"], b"a:1", b"m"))
    assert compare_replies("slowlog", redis, b"*0\r\n") == "0 entries instead of 1"
    assert compare_replies("slowlog", b"-ERR x\r\n", b"-ERR y\r\n")
