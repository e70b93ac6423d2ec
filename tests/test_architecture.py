"""The shape of the house (CONTRIBUTING.md): no import cycles, even through imports inside
functions; nothing below the CLI writes os.environ for configuration; the report path is one-way."""
from __future__ import annotations

import ast
from pathlib import Path

TOOLKIT = Path(__file__).resolve().parents[1] / "toolkit"


def _module_name(path: Path) -> str:
    rel = path.relative_to(TOOLKIT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """toolkit modules imported anywhere in the file (top level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        found.update(n for n in names if n in modules)
    return found


def _graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in TOOLKIT.rglob("*.py")}
    modules = set(paths)
    graph = {m: _imports(p, modules) - {m} for m, p in paths.items()}
    # a package's __init__ importing its own submodules (toolkit.cli registering commands) is not a cycle
    return {m: {d for d in deps if not d.startswith(m + ".")} for m, deps in graph.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, state, stack = [], {}, []

    def visit(m):
        state[m] = "open"
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == "open":
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m)
    return cycles


def test_cycle_finder_finds_a_planted_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_in_the_toolkit():
    cycles = _cycles(_graph())
    assert not cycles, "import cycles (imports inside functions count too): " + "; ".join(" -> ".join(c) for c in cycles)


def test_nothing_in_the_toolkit_writes_os_environ():
    offenders = []
    for path in TOOLKIT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            target = None
            if isinstance(node, (ast.Assign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                target = next((t for t in targets if isinstance(t, ast.Subscript)), None)
                target = target.value if target is not None else None
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in ("setdefault", "pop", "update", "putenv", "__setitem__"):
                target = node.func.value
            if target is not None and ast.unparse(target) in ("os.environ", "environ"):
                offenders.append(f"{path.relative_to(TOOLKIT.parent)}:{node.lineno}")
    assert not offenders, f"os.environ written (configuration must travel in a Request): {offenders}"


def test_the_report_template_only_lays_out():
    # no Python call back into the library from the template: it receives plain values
    template = (TOOLKIT.parent / "reports" / "templates" / "evidence_report.html.j2").read_text(encoding="utf-8")
    assert "toolkit" not in template.replace("toolkit.present.view()", "") and "import" not in template
