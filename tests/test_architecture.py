"""The shape of the house (CONTRIBUTING.md): no import cycles, even through imports inside
functions; nothing below the CLI writes os.environ for configuration; the report path is one-way."""
from __future__ import annotations

import ast
import re
from pathlib import Path

TOOLKIT = Path(__file__).resolve().parents[1] / "toolkit"


def _module_name(path: Path) -> str:
    rel = path.relative_to(TOOLKIT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path, modules: set[str], *, runtime: bool = False) -> set[str]:
    """toolkit modules imported anywhere in the file (top level or inside functions); with
    ``runtime``, not those under ``if TYPE_CHECKING:`` (type names only, never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if runtime:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
                node.body = []
    found = set()
    for node in ast.walk(tree):
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


#: Renderers lay out a Publication (toolkit.publication) and compute nothing: report renders one
#: scope, tables_out writes one (h2gender analyze), the site renders them all.
RENDERERS = ("toolkit.report", "toolkit.tables_out", "toolkit.site")
#: Readers and the store: the only modules that read the workers_certified column itself.
READERS = ("toolkit.dol", "toolkit.dol_layouts", "toolkit.schema", "toolkit.synth", "toolkit.store",
           "toolkit.workers", "toolkit.analysis")


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in TOOLKIT.rglob("*.py")}


def test_renderers_import_neither_the_loader_nor_the_evidence():
    paths = _modules()
    renderers = {m: p for m, p in paths.items() if any(m == r or m.startswith(r + ".") for r in RENDERERS)}
    assert {"toolkit.report", "toolkit.tables_out", "toolkit.site", "toolkit.site.pages"} <= set(renderers)
    offenders = {m: sorted(_imports(p, set(paths), runtime=True) & {"toolkit.dataset", "toolkit.evidence"})
                 for m, p in renderers.items()}
    offenders = {m: bad for m, bad in offenders.items() if bad}
    assert not offenders, f"renderers must render a Publication, not load or build evidence: {offenders}"


def test_the_layering_test_sees_a_planted_import(tmp_path):
    planted = tmp_path / "r.py"
    planted.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from toolkit.evidence import E\n"
                       "def f():\n    from toolkit import dataset\n", encoding="utf-8")
    assert _imports(planted, {"toolkit.dataset", "toolkit.evidence"}, runtime=True) == {"toolkit.dataset"}


def _column_reads(path: Path, column: str) -> list[int]:
    """Lines where ``something["<column>"]`` is read (a Subscript with that string)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == column:
            lines.append(node.lineno)
    return lines


def test_one_function_counts_certified_positions():
    """``analysis.case_positions`` is the one rule (certified, not a duplicate); no other module
    reads ``workers_certified`` to count positions its own way (the site once said 20 where the
    report said 25 for one employer)."""
    paths = _modules()
    source = paths["toolkit.analysis"].read_text(encoding="utf-8")
    assert "def case_positions(" in source
    offenders = {m: _column_reads(p, "workers_certified") for m, p in paths.items() if m not in READERS}
    offenders = {m: lines for m, lines in offenders.items() if lines}
    assert not offenders, f"count positions with analysis.case_positions, not by reading the column: {offenders}"
    users = [m for m, p in paths.items() if "case_positions(" in p.read_text(encoding="utf-8")]
    assert {"toolkit.employers", "toolkit.recruiters", "toolkit.evidence", "toolkit.directory"} <= set(users)


def test_one_string_catalogue():
    """Every user-facing string lives in ``toolkit/locales/<lang>.yaml``, read by ``toolkit.i18n``
    only: no other file under the package holds text keyed by language, and no other module
    opens the locales."""
    import yaml

    others = []
    for path in TOOLKIT.rglob("*"):
        if path.suffix not in (".yaml", ".yml", ".json") or "locales" in path.parts:
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        if isinstance(data, dict) and any(isinstance(v, dict) and {"en", "es"} <= set(v) for v in data.values()):
            others.append(str(path.relative_to(TOOLKIT)))
    assert not others, f"a second string catalogue: {others}; strings belong in toolkit/locales"
    readers = [m for m, p in _modules().items() if m != "toolkit.i18n" and
               re.search(r"""["']locales["']""", p.read_text(encoding="utf-8"))]
    assert not readers, f"only toolkit.i18n reads the locales: {readers}"
def _string_literals(tree: ast.AST) -> list[ast.Constant]:
    """The string constants of a module, docstrings left out (they are read by developers)."""
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


_MARKUP = re.compile(r"</?[A-Za-z!]")


def test_site_markup_lives_in_templates():
    """The site's pages are Jinja2 templates (``toolkit/site/templates``): no string literal in
    ``toolkit/site/*.py`` holds markup (an f-string's literal parts included)."""
    assert _MARKUP.search('f"<p class=x>"') and _MARKUP.search("</ul>") and not _MARKUP.search("a < b")
    found = []
    for path in sorted((TOOLKIT / "site").glob("*.py")):
        for node in _string_literals(ast.parse(path.read_text(encoding="utf-8"))):
            if _MARKUP.search(node.value):
                found.append(f"site/{path.name}:{node.lineno}: {node.value[:40]!r}")
    assert not found, f"markup in the site's Python (it belongs in toolkit/site/templates): {found}"


def test_site_templates_use_catalogue_keys_of_both_languages():
    """Every ``t("key")`` in the site's templates is a string of both catalogues
    (``toolkit/locales/en.yaml`` and ``es.yaml``), and every template holds words only through
    ``t``: its text outside tags and ``{{ }}``/``{% %}`` is punctuation, numbers or proper names."""
    import yaml

    catalogues = {lang: yaml.safe_load((TOOLKIT / "locales" / f"{lang}.yaml").read_text(encoding="utf-8"))
                  for lang in ("en", "es")}
    templates = sorted((TOOLKIT / "site" / "templates").glob("*.j2"))
    assert len(templates) >= 8
    keys, words = set(), []
    for path in templates:
        source = path.read_text(encoding="utf-8")
        keys |= {(path.name, k) for k in re.findall(r"""\bt\(\s*["']([A-Za-z0-9_]+)["']""", source)}
        prose = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", source, flags=re.S)
        prose = re.sub(r"<[^>]*>", " ", prose)
        words += [(path.name, w) for w in re.findall(r"[^\W\d_]{2,}", prose) if w not in _PROPER_NAMES]
    assert len(keys) >= 40, "the templates' t() calls were not found"
    missing = [(name, k, lang) for name, k in sorted(keys) for lang, cat in catalogues.items() if k not in cat]
    assert not missing, f"template strings missing from a catalogue: {missing}"
    assert not words, f"words written into a template instead of t(): {words}"


#: Proper names a template may write as they are (the advocates' site the worker box links).
_PROPER_NAMES = {"Contratados", "org"}

# --- results as values: DataFrame.attrs carries the synthetic marker and the readers' provenance only ---
_ATTRS_MARKER = "synthetic"  # schema.mark_synthetic / is_synthetic
_ATTRS_ALLOWED = {
    # schema owns the marker and carries attrs through conform()
    "toolkit.schema": {"*"},
    # readers: the provenance of the file read (source file, sheet, layout, row accounting)
    "toolkit.occupation_shares": {"source_file", "sheet", "layout", "accounting"},
    # the DOL readers' row accounting travels with the table into the store, whose catalogue
    # records it per file at ingest (store.ingest) and adds the rows a later file replaced
    # (store.deduplicate_cases); synth: the planted truth beside the marker
    "toolkit.dol": {"accounting"},
    "toolkit.store": {"accounting"},
    "toolkit.synth": {"truth", "source"},
}


def _is_attrs(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "attrs"


def _is_attrs_copy(node: ast.AST) -> bool:
    """``dict(x.attrs)``, ``x.attrs.copy()``, ``x.attrs`` or ``{}``: carries keys, adds none."""
    if _is_attrs(node) or (isinstance(node, ast.Dict) and not node.keys):
        return True
    return isinstance(node, ast.Call) and not node.keywords and (
        (isinstance(node.func, ast.Name) and node.func.id == "dict" and len(node.args) == 1 and _is_attrs(node.args[0]))
        or (isinstance(node.func, ast.Attribute) and node.func.attr == "copy" and _is_attrs(node.func.value)))


def _dict_keys(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Dict):
        return {k.value if isinstance(k, ast.Constant) else "<computed key>" for k in node.keys if k is not None} | {
            "<unpacked>" for k, v in zip(node.keys, node.values) if k is None and not _is_attrs(v)}
    return set() if _is_attrs_copy(node) else {"<computed value>"}


def _attrs_keys_written(source: str) -> list[tuple[int, str]]:
    """(line, key) for every key a module writes into some ``DataFrame.attrs``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        for t in targets:
            if isinstance(t, ast.Subscript) and _is_attrs(t.value):
                key = t.slice.value if isinstance(t.slice, ast.Constant) else "<computed key>"
                found.append((node.lineno, key))
            elif _is_attrs(t):
                found += [(node.lineno, k) for k in _dict_keys(node.value)]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _is_attrs(node.func.value):
            if node.func.attr == "setdefault" and node.args:
                arg = node.args[0]
                found.append((node.lineno, arg.value if isinstance(arg, ast.Constant) else "<computed key>"))
            elif node.func.attr == "update":
                found += [(node.lineno, k) for a in node.args for k in _dict_keys(a)]
                found += [(node.lineno, kw.arg or "<unpacked>") for kw in node.keywords]
            elif node.func.attr in ("__setitem__", "pop", "clear", "popitem"):
                found.append((node.lineno, f"<{node.func.attr}>"))
    return found


def test_attrs_scan_finds_every_way_of_writing_a_key():
    planted = '''
def f(df, other):
    df.attrs["accounting"] = {}
    df.attrs = {"prior": 1, "synthetic": True}
    df.attrs = dict(other.attrs)
    df.attrs.update({"cases_left_out": 2})
    df.attrs.setdefault("unmatched", [])
    other.attrs = {**other.attrs}
'''
    keys = sorted(k for _, k in _attrs_keys_written(planted))
    assert keys == ["accounting", "cases_left_out", "prior", "synthetic", "unmatched"], keys


def test_statistics_return_values_not_dataframe_attrs():
    # STYLE.md, "Results as values": what a caller needs is a return value; attrs (dropped by most
    # pandas operations) carries only the synthetic marker and, in readers, the file's provenance
    bad = []
    for path in sorted(TOOLKIT.rglob("*.py")):
        module = _module_name(path)
        allowed = next((keys for name, keys in _ATTRS_ALLOWED.items()
                        if module == name or module.startswith(name + ".")), set())
        for line, key in _attrs_keys_written(path.read_text(encoding="utf-8")):
            if key != _ATTRS_MARKER and key not in allowed and "*" not in allowed:
                bad.append(f"{path.relative_to(TOOLKIT.parent)}:{line} writes attrs[{key!r}]")
    assert not bad, "return these as values (a small frozen dataclass or a column):\n" + "\n".join(bad)
