"""SLOWLOG, LATENCY, MONITOR and DEBUG through redis-py, on a server with two worker
threads: what a client library sees of commands run by clients on either thread."""

import threading
import time

import pytest
import redis

from support.servers import start_ferrite


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = start_ferrite(tmp_path_factory.mktemp("ferrite"), "--threads", "2",
                           "--enable-debug-command", "local")
    yield server
    server.stop()


def connect(server, **kwargs):
    return redis.Redis(port=server.port, single_connection_client=True, socket_timeout=10,
                       **kwargs)


def test_monitor_sees_clients_on_both_workers(server):
    # Connections are dealt to the two workers in turn, so of two clients connected
    # after the monitor, one runs on the monitor's worker and one on the other.
    monitor_client = connect(server)
    with monitor_client.monitor() as monitor:
        first = connect(server, client_name="first")
        second = connect(server)
        first.set("mon:a", "1")
        second.get("mon:a")
        first.execute_command("CONFIG", "GET", "port")  # admin: not shown
        second.execute_command("ECHO", 'a "quoted"\nline\x01')
        second.select(3)
        seen = [monitor.next_command() for _ in range(5)]
        first.close()
        second.close()
    monitor_client.close()

    commands = [entry["command"] for entry in seen]
    # redis-py's parser joins the arguments back with blanks.
    assert "SET mon:a 1" in commands
    assert "GET mon:a" in commands
    assert any(c.startswith("CLIENT SETNAME") for c in commands)
    assert not any("CONFIG" in c for c in commands)
    echo = next(entry for entry in seen if entry["command"].startswith("ECHO"))
    # redis-py undoes the quotes' \" escapes but leaves the others as sent.
    assert echo["command"] == 'ECHO a "quoted"\\nline\\x01'
    select = next(entry for entry in seen if entry["command"].startswith("SELECT"))
    assert select["db"] == 3
    assert all(entry["client_address"] == "127.0.0.1" for entry in seen)
    assert all(abs(entry["time"] - time.time()) < 60 for entry in seen)


def test_monitor_keeps_each_clients_order_under_load(server):
    monitor_client = connect(server)
    with monitor_client.monitor() as monitor:
        clients = [connect(server) for _ in range(4)]

        def run(index, client):
            for i in range(50):
                client.execute_command("ECHO", f"c{index}-{i}")

        threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        lines = [monitor.next_command()["command"] for _ in range(200)]
        for client in clients:
            client.close()
    monitor_client.close()
    for index in range(4):
        mine = [line for line in lines if line.startswith(f"ECHO c{index}-")]
        assert mine == [f"ECHO c{index}-{i}" for i in range(50)]


def test_slowlog_at_threshold_zero(server):
    r = connect(server, client_name="slow")
    try:
        r.config_set("slowlog-log-slower-than", 0)
        r.slowlog_reset()
        r.set("slow:k", "v" * 300)
        r.execute_command("DEL", *[f"slow:{i}" for i in range(40)])
        entries = r.slowlog_get(3)
        assert [e["command"] for e in entries][:2] == [
            b"DEL " + b" ".join(f"slow:{i}".encode() for i in range(30)) +
            b" ... (10 more arguments)",
            b"SET slow:k " + b"v" * 128 + b"... (172 more bytes)",
        ]
        assert entries[0]["id"] == entries[1]["id"] + 1
        assert all(e["duration"] >= 0 for e in entries)
        # redis-py 4.3 leaves out the client's address and name: read them raw.
        raw = r.execute_command("SLOWLOG", "GET", "1")
        assert raw[0][4].startswith(b"127.0.0.1:")
        assert raw[0][5] == b"slow"
        # RESET, SET, DEL and the two SLOWLOG GETs, each logged once it ran.
        assert r.slowlog_len() == 5
    finally:
        r.config_set("slowlog-log-slower-than", 10000)
        r.slowlog_reset()
        r.close()


def test_slowlog_hides_passwords(server):
    r = connect(server)
    try:
        r.config_set("slowlog-log-slower-than", 0)
        # Without requirepass any password is right for the default user.
        r.execute_command("AUTH", "default", "some-password")
        r.execute_command("HELLO", "2", "AUTH", "default", "some-password")
        hello, auth = r.slowlog_get(2)
        assert auth["command"] == b"AUTH (redacted) (redacted)"
        assert hello["command"] == b"HELLO 2 AUTH (redacted) (redacted)"
    finally:
        r.config_set("slowlog-log-slower-than", 10000)
        r.slowlog_reset()
        r.close()


def test_debug_sleep_and_latency_events(server):
    r = connect(server)
    try:
        r.config_set("latency-monitor-threshold", 50)
        start = time.monotonic()
        assert r.execute_command("DEBUG", "SLEEP", "0.1") == b"OK"
        assert time.monotonic() - start >= 0.1
        assert r.execute_command("DEBUG", "SLEEP", "0") == b"OK"
        latest = r.execute_command("LATENCY", "LATEST")
        assert len(latest) == 1
        name, when, latency, worst = latest[0]
        assert name == b"command" and latency >= 100 and worst >= 100
        assert abs(when - time.time()) < 60
        history = r.execute_command("LATENCY", "HISTORY", "command")
        assert len(history) == 1 and history[0][1] >= 100
        assert b"command" in r.execute_command("LATENCY", "DOCTOR")
        assert r.execute_command("LATENCY", "RESET") == 1
        # The 100 ms sleep shows in DEBUG's latency histogram, in the bucket up to
        # 135.266 ms.
        histogram = r.execute_command("LATENCY", "HISTOGRAM", "debug")
        assert histogram[0] == b"debug"
        calls = dict(zip(histogram[1][::2], histogram[1][1::2]))
        assert calls[b"calls"] == 2
        buckets = dict(zip(calls[b"histogram_usec"][::2], calls[b"histogram_usec"][1::2]))
        assert max(buckets) == 135266
        assert buckets[135266] == 2
    finally:
        r.config_set("latency-monitor-threshold", 0)
        r.close()


def test_debug_sleep_blocks_only_its_worker(server):
    sleeper = connect(server)
    others = [connect(server) for _ in range(2)]
    for client in others:
        client.ping()
    done = threading.Event()

    def sleep():
        sleeper.execute_command("DEBUG", "SLEEP", "0.5")
        done.set()

    thread = threading.Thread(target=sleep)
    thread.start()
    time.sleep(0.1)
    # One of the two other clients shares the sleeper's worker and waits; the other
    # answers at once.
    timings = []
    for client in others:
        start = time.monotonic()
        client.ping()
        timings.append(time.monotonic() - start)
    thread.join()
    assert done.is_set()
    assert min(timings) < 0.2
    assert max(timings) >= 0.2
    sleeper.close()
    for client in others:
        client.close()
