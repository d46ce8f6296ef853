"""Memory per key in redis-server for the data set ferrite-bench loads: N keys "key:" + 10
digits (14 bytes) with values of V bytes, written by `redis-cli --pipe`, and the growth
of INFO memory's used_memory (what Redis's allocator holds for data and structures)
from the empty server to the loaded one."""

import subprocess
import tempfile
from pathlib import Path

from support.servers import start_redis  # tests/support, on sys.path (see run)

KEY_BYTES = 14


def set_commands(keys, value_bytes):
    """SET commands in RESP for every key; each value differs (the key's index, repeated),
    though its bytes do not change what Redis allocates for it."""
    header = b"*3\r\n$3\r\nSET\r\n$%d\r\n" % KEY_BYTES
    value_header = b"\r\n$%d\r\n" % value_bytes
    chunks = []
    for i in range(keys):
        digits = b"%010d" % i
        value = (digits * (value_bytes // 10 + 1))[:value_bytes]
        chunks.append(header + b"key:" + digits + value_header + value + b"\r\n")
    return b"".join(chunks)


def used_memory(port):
    out = subprocess.run(["redis-cli", "-p", str(port), "INFO", "memory"], check=True,
                         capture_output=True, text=True).stdout
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    return int(fields["used_memory"]), int(fields["used_memory_rss"]), fields["mem_allocator"]


def dbsize(port):
    out = subprocess.run(["redis-cli", "-p", str(port), "DBSIZE"], check=True,
                         capture_output=True, text=True).stdout
    return int(out.strip())


def measure(keys, value_bytes, workdir):
    """A row of the same shape as ferrite-bench's memory row, for redis-server."""
    with tempfile.TemporaryDirectory(prefix="redis.", dir=workdir) as tmp:
        server = start_redis(Path(tmp))
        try:
            before, _, allocator = used_memory(server.port)
            loaded = subprocess.run(["redis-cli", "-p", str(server.port), "--pipe"],
                                    input=set_commands(keys, value_bytes), capture_output=True)
            if loaded.returncode != 0 or b"errors: 0," not in loaded.stdout:
                raise RuntimeError("redis-cli --pipe failed:\n" + loaded.stdout.decode(errors="replace")
                                   + loaded.stderr.decode(errors="replace"))
            if dbsize(server.port) != keys:
                raise RuntimeError(f"redis-server holds {dbsize(server.port)} keys, not {keys}")
            after, rss, _ = used_memory(server.port)
            version = subprocess.run([server.argv[0], "--version"], capture_output=True,
                                     text=True).stdout.split()[2].removeprefix("v=")
        finally:
            server.stop()
    per_key = (after - before) / keys
    return {"mode": "redis", "op": "memory", "keys": keys, "key_bytes": KEY_BYTES,
            "value_bytes": value_bytes, "used_memory_before": before, "used_memory_after": after,
            "used_memory_rss": rss, "allocator": allocator, "version": version,
            "bytes_per_key": per_key, "overhead_per_key": per_key - (KEY_BYTES + value_bytes)}
