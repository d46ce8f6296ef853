"""Replays case files against a fresh redis-server and ferrite-server and prints every
step with both replies, differences marked; for writing cases and debugging fixes.

    /usr/bin/python3 tests/differential/replay.py tests/differential/cases/hello.txt [...]

FERRITE_SERVER selects the ferrite-server binary, as for the tests."""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for support
sys.path.insert(0, str(Path(__file__).resolve().parent))

from case_format import parse_case_file  # noqa: E402
from diff_runner import DiffSession, compare_observed  # noqa: E402
from support.servers import start_ferrite, start_redis  # noqa: E402


def replay(path, workdir):
    case = parse_case_file(path)
    redis = start_redis(workdir / "redis", *case.server_args)
    ferrite = start_ferrite(workdir / "ferrite", *case.server_args)
    try:
        with DiffSession(redis.port, ferrite.port) as session:
            session.fetch_client_id = any(b"{client-id}" in a for s in case.steps for a in s.args)
            session.connect()
            for step in case.steps:
                if step.send == "reconnect":
                    session.connect()
                    print(f"-- {step.describe()}")
                    continue
                observed = [session._perform(side, step) for side in session.sides]
                reason = compare_observed(step.compare, step.mask_keys, *observed)
                if any(o.event for o in observed) or step.send in ("close", "raw-close"):
                    session.connect()
                print(f"{'!!' if reason else '  '} {step.describe()}")
                print(f"     redis:   {observed[0].render()}")
                if reason:
                    print(f"     ferrite: {observed[1].render()}")
                    print(f"     ({reason})")
    finally:
        redis.stop()
        ferrite.stop()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        for n, arg in enumerate(sys.argv[1:]):
            print(f"=== {arg}")
            replay(arg, Path(tmp) / str(n))
