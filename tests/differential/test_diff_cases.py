"""Replays every case file in cases/ against redis-server and ferrite-server and
compares the replies (see case_format.py for the file format)."""

from pathlib import Path

import pytest

from case_format import parse_case_file
from diff_runner import DiffSession, report

CASES_DIR = Path(__file__).parent / "cases"
CASE_FILES = sorted(CASES_DIR.glob("*.txt"))


@pytest.mark.parametrize("case_path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case_file(case_path, server_ports, start_server_pair):
    case = parse_case_file(case_path)
    ports = start_server_pair(*case.server_args) if case.dedicated else server_ports
    with DiffSession(*ports) as session:
        differences = session.run_case(case)
    if differences:
        pytest.fail(report(f"cases/{case_path.name}", differences), pytrace=False)
