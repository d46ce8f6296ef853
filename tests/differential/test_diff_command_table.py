"""Every command Ferrite implements (as its COMMAND LIST names them, subcommands
included) against redis-server: COMMAND INFO byte for byte and COMMAND DOCS structure,
in RESP2 and RESP3, arity errors, and COMMAND GETKEYS."""

import pytest

from case_format import CaseFile, Step
from diff_runner import DiffSession, report
from support.resp import RawClient, parse_reply


@pytest.fixture(scope="module")
def ferrite_commands(shared_ferrite):
    """(full name, arity) of every command Ferrite has, as COMMAND INFO reports them."""
    with RawClient(shared_ferrite.port) as client:
        names = parse_reply(client.command("COMMAND", "LIST"))
        entries = parse_reply(client.command("COMMAND", "INFO", *names))
    return sorted((entry[0].decode(), entry[1]) for entry in entries)


def run_steps(ports, title, steps):
    with DiffSession(*ports) as session:
        differences = session.run_case(CaseFile(path=title, server_args=[], steps=steps))
    if differences:
        pytest.fail(report(title, differences), pytrace=False)


def hello(version):
    return Step.command("HELLO", str(version), compare="mask", option=(b"id",))


@pytest.mark.parametrize("resp", [2, 3])
def test_command_info(server_ports, ferrite_commands, resp):
    # A container's subcommands may be fewer than Redis's (and come in dict order).
    steps = [hello(resp)] + [Step.command("COMMAND", "INFO", name, compare="subset")
                             for name, _ in ferrite_commands]
    run_steps(server_ports, f"COMMAND INFO of every command (RESP{resp})", steps)


@pytest.mark.parametrize("resp", [2, 3])
def test_command_docs(server_ports, ferrite_commands, resp):
    steps = [hello(resp)] + [Step.command("COMMAND", "DOCS", name, compare="docs")
                             for name, _ in ferrite_commands]
    run_steps(server_ports, f"COMMAND DOCS of every command (RESP{resp})", steps)


def words(full_name):
    return full_name.split("|")


def test_arity_errors(server_ports, ferrite_commands):
    """Each command with one word too few and one too many, where that breaks its arity."""
    steps = []
    for name, arity in ferrite_commands:
        name_words = words(name)
        counts = [arity - 1, arity + 1] if arity > 0 else [-arity - 1]
        for count in counts:
            if count >= len(name_words) and name != "shutdown":
                steps.append(Step.command(*name_words, *["x"] * (count - len(name_words))))
    run_steps(server_ports, "arity errors of every command", steps)


def test_command_getkeys(server_ports, ferrite_commands):
    """COMMAND GETKEYS of each command with a valid number of arguments."""
    steps = []
    for name, arity in ferrite_commands:
        name_words = words(name)
        count = max(abs(arity), len(name_words))
        steps.append(Step.command("COMMAND", "GETKEYS", *name_words,
                                  *["k"] * (count - len(name_words))))
    run_steps(server_ports, "COMMAND GETKEYS of every command", steps)
