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
from diff_runner import DiffSession  # noqa: E402
from support.servers import start_ferrite, start_redis  # noqa: E402


def replay(path, workdir):
    case = parse_case_file(path)
    redis = start_redis(workdir / "redis", *case.server_args)
    ferrite = start_ferrite(workdir / "ferrite", *case.server_args)
    try:
        with DiffSession(redis.port, ferrite.port) as session:
            session.start(case)
            for step in case.steps:
                outcome = session.run_step(step)
                if outcome is None:
                    print(f"-- {step.describe()}")
                    continue
                print(f"{'!!' if outcome.reason else '  '} {step.describe()}")
                print(f"     redis:   {outcome.redis.render()}")
                if outcome.reason:
                    print(f"     ferrite: {outcome.ferrite.render()}")
                    print(f"     ({outcome.reason})")
    finally:
        redis.stop()
        ferrite.stop()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        for n, arg in enumerate(sys.argv[1:]):
            print(f"=== {arg}")
            replay(arg, Path(tmp) / str(n))
