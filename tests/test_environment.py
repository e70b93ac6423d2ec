"""pyproject.toml is the single source of dependencies; environment.yml must list the same set."""
from __future__ import annotations

import re
import subprocess
import sys

import yaml

from conftest import ROOT

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    import tomli as tomllib


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pip_reqs = list(project["dependencies"])
    for extra in ("dev", "bench"):
        pip_reqs += project["optional-dependencies"][extra]
    expected = dict(_split(r) for r in pip_reqs)

    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = dict(_split(d) for d in env["dependencies"] if isinstance(d, str))
    conda.pop("python", None)
    conda.pop("pip", None)

    missing = sorted(set(expected) - set(conda))
    extra = sorted(set(conda) - set(expected))
    differ = {k: (expected[k], conda[k]) for k in expected.keys() & conda.keys() if expected[k] != conda[k]}
    assert not (missing or extra or differ), (
        "environment.yml disagrees with pyproject.toml (run python tools/sync_env.py): "
        f"missing {missing}, extra {extra}, different specs {differ}"
    )


def test_every_dependency_pins_a_major_version():
    """pip resolves pandas 3.x today: every runtime requirement has an upper bound on purpose."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    unbounded = [r for r in project["dependencies"] if "<" not in r]
    assert not unbounded, f"runtime requirements without an upper bound: {unbounded}"


def test_sync_script_agrees():
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "sync_env.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme and "make report" in readme
    assert "make test" in ci


def test_runtime_folders_are_found_and_installed_with_the_wheel():
    from toolkit import config

    assert config.resource_dir("data_catalog") == ROOT / "data_catalog"
    assert config.resource_dir("reports/templates") == ROOT / "reports" / "templates"
    assert config.resource_dir("no-such-folder") is None
    # a non-editable install gets copies under <prefix>/share/h2gender (pyproject data-files)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data_files = project["tool"]["setuptools"]["data-files"]
    assert data_files["share/h2gender/templates"] == ["reports/templates/evidence_report.html.j2"]
    assert "data_catalog/*.yaml" in data_files["share/h2gender/data_catalog"]


def test_citation_file_matches_the_package():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software"
    assert str(cff["version"]) == project["version"] and cff["license"] == project["license"]
    assert cff["title"].startswith(project["name"])
