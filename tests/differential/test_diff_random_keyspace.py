"""Random keyspace requests (random_keyspace.py: strings, bitmaps, keys, expiry,
databases), pipelined in batches to redis-server and ferrite-server; every reply is
compared. FERRITE_DIFF_SEED=<n> runs that one seed (to replay a failure); otherwise a
few fixed seeds run. Each seed starts and ends with FLUSHALL, so the shared servers are
left empty, on database 0."""

import os
import socket

import pytest

from diff_compare import compare_replies, show
from random_keyspace import Generator
from support.resp import ConnectionClosed, RawClient

DEFAULT_SEEDS = [20240701, 11, 12]
COMMANDS_PER_SEED = 4000
MAX_BATCH = 50
TIMEOUT = 5.0
MAX_REPORTED = 10


def seeds():
    if os.environ.get("FERRITE_DIFF_SEED"):
        return [int(os.environ["FERRITE_DIFF_SEED"])]
    return DEFAULT_SEEDS


def exchange(client, requests):
    """Sends the requests in one write; returns (replies, what went wrong or None)."""
    replies = []
    try:
        client.send(b"".join(r.data for r in requests))
        for _ in requests:
            replies.append(client.read_reply())
    except (ConnectionClosed, ConnectionResetError, BrokenPipeError):
        return replies, "closed the connection"
    except socket.timeout:
        return replies, f"no reply within {TIMEOUT}s"
    return replies, None


@pytest.mark.parametrize("seed", seeds())
def test_random_keyspace(seed, server_ports):
    generator = Generator(seed)
    clients = [RawClient(port, timeout=TIMEOUT) for port in server_ports]
    differences, sent, batch_no = [], 0, 0
    try:
        batches = [generator.cleanup()]
        while sent < COMMANDS_PER_SEED:
            batches.append(generator.batch(generator.rng.randint(1, MAX_BATCH)))
            sent += len(batches[-1])
        batches.append(generator.cleanup())
        for batch_no, requests in enumerate(batches):
            (redis, redis_end), (ferrite, ferrite_end) = [exchange(c, requests)
                                                          for c in clients]
            if redis_end:
                pytest.fail(f"seed {seed}, batch {batch_no}: redis-server {redis_end} after "
                            f"{len(redis)} of {len(requests)} replies", pytrace=False)
            for n, request in enumerate(requests):
                ferrite_reply = ferrite[n] if n < len(ferrite) else None
                if ferrite_reply is None:
                    reason = f"no reply (Ferrite {ferrite_end})"
                else:
                    reason = compare_replies(request.compare, redis[n], ferrite_reply,
                                             request.option)
                if reason:
                    differences.append((batch_no, request, reason, redis[n], ferrite_reply))
            if ferrite_end:
                break  # the connection is gone: nothing more can be compared
    finally:
        for client in clients:
            client.close()
    if differences:
        # Later differences are often consequences of the first: the state diverged.
        lines = [f"seed {seed} (replay with FERRITE_DIFF_SEED={seed}): {len(differences)} "
                 f"replies differ; the first {MAX_REPORTED}:"]
        for batch_no, request, reason, redis_reply, ferrite_reply in differences[:MAX_REPORTED]:
            lines.append(f"[batch {batch_no}] {request.text[:300]}\n"
                         f"  difference: {reason}\n"
                         f"  redis:   {show(redis_reply)}\n"
                         f"  ferrite: {show(ferrite_reply) if ferrite_reply else '<none>'}")
        pytest.fail("\n".join(lines), pytrace=False)
