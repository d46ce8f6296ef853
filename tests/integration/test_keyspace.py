"""The keyspace through redis-py: a data set several times the memory budget loads and
reads back whole (INFO tiering shows most of it on disk and reads served from there),
CONFIG SET maxmemory resizes the budget live, a restart keeps it, and concurrent clients never see half of an MSET that spans shards."""

import threading

import pytest
import redis

from support.probes import wait_until
from support.servers import start_ferrite

KEYS = 24_000
VALUE_SIZE = 1_000  # about 24 MB of values against an 8 MB budget


def value_of(i):
    return (b"%08d" % i) * (VALUE_SIZE // 8)


def tiering(client):
    return client.info("tiering")


def load(client):
    pipe = client.pipeline(transaction=False)
    for i in range(KEYS):
        pipe.set(f"key:{i}", value_of(i))
        if i % 1000 == 999:
            assert all(pipe.execute())
    assert all(pipe.execute())


def check_all(client):
    pipe = client.pipeline(transaction=False)
    for start in range(0, KEYS, 1000):
        for i in range(start, start + 1000):
            pipe.get(f"key:{i}")
        for offset, value in enumerate(pipe.execute()):
            assert value == value_of(start + offset), start + offset


def test_larger_than_memory_data_set_reads_back_whole(tmp_path):
    args = ["--maxmemory", "8mb", "--storage.page_size", "256kb",
            "--storage.segment_size", "4mb", "--threads", "2"]
    server = start_ferrite(tmp_path, *args)
    try:
        client = redis.Redis(port=server.port, socket_timeout=30)
        load(client)
        check_all(client)
        info = tiering(client)
        assert info["memory_budget"] == 8 * 1024 * 1024
        # Most of the log is on disk, and reads came from there.
        assert info["log_bytes_on_disk"] > 2 * info["log_bytes_in_memory"], info
        assert info["reads_from_disk"] > KEYS // 2, info
        assert info["memory_used"] <= info["memory_budget"], info
        # INFO keyspace counts every key, on disk or not; INFO memory shows the split.
        assert client.info("keyspace") == {"db0": {"keys": KEYS, "expires": 0, "avg_ttl": 0}}
        memory = client.info("memory")
        assert memory["keyspace_bytes_on_disk"] == info["log_bytes_on_disk"], memory
        assert memory["keyspace_memory_budget"] == 8 * 1024 * 1024, memory
        # CONFIG SET maxmemory resizes the budget live; pages go to disk to meet it.
        assert client.config_set("maxmemory", "4mb")
        assert client.config_get("maxmemory") == {"maxmemory": "4194304"}
        wait_until(lambda: tiering(client)["memory_used"] <= 4 * 1024 * 1024)
        assert tiering(client)["memory_budget"] == 4 * 1024 * 1024
        with pytest.raises(redis.ResponseError, match="needs at least 4 pages"):
            client.config_set("maxmemory", "1mb")  # two shards of four 256 KiB pages
        check_all(client)
        client.close()
    finally:
        server.stop()
    # A clean restart recovers everything from the checkpoint taken at shutdown.
    server = start_ferrite(tmp_path, *args)
    try:
        client = redis.Redis(port=server.port, socket_timeout=30)
        check_all(client)
        client.close()
    finally:
        server.stop()


def test_concurrent_msets_across_shards_are_never_seen_half_done(shared_ferrite):
    keys = [f"atomic:{i}" for i in range(10)]
    stop = threading.Event()
    mixed = []
    errors = []

    def writer(n):
        try:
            c = redis.Redis(port=shared_ferrite.port, socket_timeout=10)
            for round_ in range(200):
                c.mset({k: f"{n}:{round_}" for k in keys})
        except Exception as error:  # reported below
            errors.append(error)

    def reader():
        try:
            c = redis.Redis(port=shared_ferrite.port, socket_timeout=10)
            while not stop.is_set():
                values = c.mget(keys)
                if len(set(values)) != 1:
                    mixed.append(values)
        except Exception as error:
            errors.append(error)

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    readers = [threading.Thread(target=reader) for _ in range(2)]
    for t in writers + readers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert not errors
    assert not mixed, mixed[:3]
    redis.Redis(port=shared_ferrite.port).delete(*keys)
