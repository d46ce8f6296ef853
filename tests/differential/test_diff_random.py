"""Random request sequences (random_commands.py), pipelined in batches to redis-server
and ferrite-server; every reply is compared. FERRITE_DIFF_SEED=<n> runs that one seed
(to replay a failure); otherwise a fixed default and a few more run."""

import os
import socket

import pytest

from diff_compare import compare_replies, show
from random_commands import Generator
from support.resp import ConnectionClosed, RawClient, parse_reply, split_replies

DEFAULT_SEEDS = [20240601, 1, 2]
COMMANDS_PER_SEED = 2000
MAX_BATCH = 60
TIMEOUT = 2.0
MAX_REPORTED = 10


def seeds():
    if os.environ.get("FERRITE_DIFF_SEED"):
        return [int(os.environ["FERRITE_DIFF_SEED"])]
    return DEFAULT_SEEDS


@pytest.fixture(scope="module")
def command_names(shared_redis, shared_ferrite):
    """(Ferrite's command names, Redis's command names)."""
    names = []
    for server in (shared_ferrite, shared_redis):
        with RawClient(server.port) as client:
            names.append([n.decode() for n in parse_reply(client.command("COMMAND", "LIST"))])
    return names


def all_replies(data):
    """Every reply in `data`, an incomplete tail counting as one."""
    replies, rest = split_replies(data)
    return replies + [rest] if rest else replies


class Side:
    def __init__(self, port):
        self.port = port
        self.client = None

    def connect(self):
        if self.client:
            self.client.close()
        self.client = RawClient(self.port, timeout=TIMEOUT)

    def run(self, data, sentinel):
        """Sends a batch; returns (replies, how it ended): up to the sentinel reply, or
        everything until the server closed the connection."""
        try:
            self.client.send(data)
        except OSError:
            pass
        replies = []
        try:
            if sentinel is None:
                return all_replies(self.client.read_until_closed(timeout=TIMEOUT)), "closed"
            while True:
                reply = self.client.read_reply()
                replies.append(reply)
                if reply == sentinel:
                    return replies, None
        except ConnectionClosed as e:
            return replies + all_replies(e.args[0]), "closed early"
        except ConnectionResetError:
            return replies + all_replies(self.client.buffer), "closed early"
        except socket.timeout:
            return replies + all_replies(self.client.buffer), f"no reply within {TIMEOUT}s"


@pytest.mark.parametrize("seed", seeds())
def test_random_sequence(seed, server_ports, command_names):
    generator = Generator(seed, *command_names)
    sides = [Side(port) for port in server_ports]
    for side in sides:
        side.connect()
    differences, sent, batch_no = [], 0, 0
    while sent < COMMANDS_PER_SEED:
        batch_no += 1
        batch = generator.batch(generator.rng.randint(1, MAX_BATCH))
        requests = list(batch.requests)
        sentinel = None
        if not batch.closes:
            token = f"end-of-batch-{seed}-{batch_no}"
            requests += generator.sentinel(token)
            sentinel = b"$%d\r\n%s\r\n" % (len(token), token.encode())
        data = b"".join(r.data for r in requests)
        (redis, redis_end), (ferrite, ferrite_end) = [side.run(data, sentinel) for side in sides]
        sent += len(batch.requests)

        expected = [r for r in requests if r.replies]
        if redis_end not in (None, "closed") or len(redis) != len(expected):
            pytest.fail(f"seed {seed}, batch {batch_no}: the harness's reply model expected "
                        f"{len(expected)} replies but redis-server sent {len(redis)} "
                        f"({redis_end or 'kept the connection'}); requests:\n"
                        + "\n".join(r.text[:200] for r in requests), pytrace=False)
        for n, request in enumerate(expected):
            ferrite_reply = ferrite[n] if n < len(ferrite) else None
            if ferrite_reply is None:
                reason = f"no reply ({ferrite_end})"
            else:
                reason = compare_replies(request.compare, redis[n], ferrite_reply,
                                         request.option)
            if reason:
                differences.append((batch_no, request, reason, redis[n], ferrite_reply))
                break  # later replies of the batch are likely off by one
        else:
            if len(ferrite) > len(expected) or ferrite_end != redis_end:
                differences.append((batch_no, requests[-1],
                                    f"after the batch: Ferrite sent {len(ferrite)} replies "
                                    f"({ferrite_end or 'kept the connection'}), Redis "
                                    f"{len(redis)} ({redis_end or 'kept the connection'})",
                                    b"".join(redis), b"".join(ferrite)))
        if batch.closes or redis_end or ferrite_end:
            for side in sides:
                side.connect()
            generator.reconnected()
    for side in sides:
        side.client.close()

    if differences:
        lines = [f"seed {seed} (replay with FERRITE_DIFF_SEED={seed}): {len(differences)} "
                 f"batch(es) of {batch_no} differ; the first {MAX_REPORTED}:"]
        for batch_no, request, reason, redis_reply, ferrite_reply in differences[:MAX_REPORTED]:
            lines.append(f"[batch {batch_no}] {request.text[:300]}\n"
                         f"  difference: {reason}\n"
                         f"  redis:   {show(redis_reply)}\n"
                         f"  ferrite: {show(ferrite_reply) if ferrite_reply else '<none>'}")
        pytest.fail("\n".join(lines), pytrace=False)
