"""CLI smoke tests: help everywhere, usage errors exit 2, failures exit 1 with one line."""
from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from toolkit.cli import main


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True)


def test_help_lists_the_commands():
    proc = _run("--help")
    assert proc.returncode == 0, proc.stderr
    for cmd in ("data", "analyze", "report"):
        assert cmd in proc.stdout


@pytest.mark.parametrize("cmd", [c for c in main.commands])
def test_every_command_has_help(cmd):
    result = CliRunner().invoke(main, [cmd, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    group = main.commands[cmd]
    for sub in getattr(group, "commands", {}):
        r = CliRunner().invoke(main, [cmd, sub, "--help"])
        assert r.exit_code == 0, f"{cmd} {sub} --help failed: {r.output}"


def test_bad_option_is_a_usage_error_with_exit_2():
    proc = _run("--no-such-option")
    assert proc.returncode == 2
    assert "No such option" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_version():
    proc = _run("--version")
    assert proc.returncode == 0 and "h2gender" in proc.stdout
