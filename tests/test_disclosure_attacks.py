"""The adversary's attack suite (issue 12): no suppressed count of people can be recovered.

A survey-style worker file with planted small cells (``disclosure_fixtures``) goes through the
real command line, ``h2gender analyze`` (CSV in English, JSON in Spanish; maps captured as drawn)
and ``h2gender report`` (HTML; PDF text for one case), with k = 5, 10 and 60. Every recovery
attack of ``disclosure_attacks`` runs against every artifact; a test fails when any hidden count
comes back exactly (or narrowed to one value that is the truth).

Each attack is also run against a naive table in ``test_disclosure.py``, where it must succeed:
an attack that cannot find a leak would make these tests pass for nothing.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from disclosure_attacks import (Artifact, analyze_artifact, complements, html_artifact, leaks, local_paths,
                                map_complement, row_inversion, selection_sentences, sentence_arithmetic)
from disclosure_fixtures import FISCAL_YEAR, PROGRAM, planted_survey

ROOT = Path(__file__).resolve().parents[1]
KS = (5, 10, 60)
LANGS = ("en", "es")
CASES = [(k, lang) for k in KS for lang in LANGS]

BY_K_AND_LANG = pytest.mark.parametrize(("k", "lang"), [pytest.param(k, lang, id=f"k{k}-{lang}") for k, lang in CASES])


def _env() -> dict:
    env = dict(os.environ)
    env.update(PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", JUPYTER_PLATFORM_DIRS="1")
    return env


def _cli(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, env=_env(),
                          cwd=ROOT)


class Outputs:
    """Runs the command line once per (k, scope) and keeps the artifacts (module-scoped)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.planted = planted_survey(folder)
        self._cache: dict = {}

    def common(self, k: int, state: str | None = None) -> list[str]:
        args = ["--program", PROGRAM, "--fy", str(FISCAL_YEAR), "--data", "synthetic", "--k", str(k),
                "--workers", str(self.planted.workers), "--mapping", str(self.planted.mapping)]
        return args + (["--state", state] if state else [])

    def analyze(self, k: int, lang: str, state: str | None = None) -> tuple[Artifact, subprocess.CompletedProcess]:
        key = ("analyze", k, lang, state)
        if key not in self._cache:
            fmt = "csv" if lang == "en" else "json"
            out = self.folder / f"analyze-{k}-{lang}-{state}"
            run = _cli(["analyze", *self.common(k, state), "--lang", lang, "--format", fmt, "--out", str(out)])
            art = analyze_artifact(f"analyze {fmt} k={k} {lang}", k, out, fmt) if run.returncode == 0 else None
            self._cache[key] = (art, run)
        return self._cache[key]

    def report(self, k: int, lang: str, state: str | None = None, pdf: bool = False):
        key = ("report", k, state, pdf)
        if key not in self._cache:
            out = self.folder / f"report-{k}-{state}-{pdf}"
            langs = "en" if pdf else "en,es"
            run = _cli(["report", *self.common(k, state), "--lang", langs, "--format", "both" if pdf else "html",
                        "--out", str(out)])
            self._cache[key] = (out, run)
        out, run = self._cache[key]
        arts = []
        for path in sorted(out.glob(f"*_{lang}.*")) if out.exists() else []:
            if path.suffix == ".html":
                arts.append(html_artifact(f"report html k={k} {lang}", k, lang, path.read_text(encoding="utf-8")))
            elif path.suffix == ".pdf":
                from pypdf import PdfReader

                text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
                arts.append(Artifact(label=f"report pdf k={k} {lang}", k=k, texts=text.split("\n"), raw=text,
                                     exact=False))
            else:  # an executed notebook or anything else written beside the report
                arts.append(Artifact(label=f"report {path.suffix} k={k} {lang}", k=k,
                                     raw=path.read_text(encoding="utf-8", errors="replace")))
        return arts, run

    def site(self, k: int, lang: str):
        """The offline site's pages that carry numbers from the worker records: the index, with
        the national sections (built once per k for both languages). State pages carry only
        public DOL records (``publication.scoped`` keeps the records national, so that pages cannot be
        differenced); that is checked here, and their public percentages are not attacked (the
        selection attack decodes any percentage, and one of them can match a hidden count by chance)."""
        from toolkit import site

        key = ("site", k)
        if key not in self._cache:
            out = self.folder / f"site-{k}"
            run = _cli(["site", *self.common(k), "--lang", "en,es", "--jobs", "1", "--out", str(out)])
            self._cache[key] = (out, run)
        out, run = self._cache[key]
        if not out.exists():
            return [], run
        import html as html_mod

        note = html_mod.escape(site.text("state_workers_national_only", lang))
        states = [p.read_text(encoding="utf-8") for p in sorted((out / lang / "state").glob("*.html"))]
        heading = html_mod.escape(site.text("state_evidence", lang))
        with_evidence = [page for page in states if heading in page]
        assert with_evidence and all(note in page for page in with_evidence)
        index = out / lang / "index.html"
        return [html_artifact(f"site {index.relative_to(out)} k={k}", k, lang, index.read_text(encoding="utf-8"))], run

    def maps(self, k: int, lang: str) -> dict[str, pd.Series]:
        """The origin map's values as drawn by ``report`` (in this process): area -> count,
        NA for hatched areas, 0 for areas without data."""
        key = ("maps", k, lang)
        if key not in self._cache:
            self._cache[key] = _drawn_maps(self, k, lang)
        return self._cache[key]

    def artifacts(self, k: int, lang: str) -> list[Artifact]:
        art, run = self.analyze(k, lang)
        assert run.returncode == 0, run.stderr
        reports, run = self.report(k, lang)
        assert run.returncode == 0, run.stderr
        pages, run = self.site(k, lang)
        assert run.returncode == 0 and pages, run.stderr
        return [art, *reports, *pages]


def _drawn_maps(outputs: Outputs, k: int, lang: str) -> dict[str, pd.Series]:
    """Run ``report`` in this process with ``geo.choropleth`` wrapped, to read the map as drawn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from toolkit import geo
    from toolkit.cli import main

    drawn = {}
    real = geo.choropleth

    def capture(gdf, column, **kwargs):
        if column == "women":
            hidden = gdf["suppressed"].astype("boolean").fillna(False).astype(bool) if "suppressed" in gdf else False
            values = pd.to_numeric(gdf[column], errors="coerce").fillna(0).astype("Float64")
            values[hidden] = pd.NA
            drawn["origin"] = pd.Series(values.to_numpy(), index=gdf["state_code"].astype(str).to_numpy())
        return real(gdf, column, **kwargs)

    geo.choropleth = capture
    try:
        main.main(args=["report", *outputs.common(k), "--lang", lang, "--format", "html", "--out",
                        str(outputs.folder / f"maps-{k}-{lang}")], standalone_mode=False)
    finally:
        geo.choropleth = real
        plt.close("all")
    return drawn


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Outputs:
    return Outputs(tmp_path_factory.mktemp("attack"))


def _report(found, what):
    return f"{what}: hidden counts recovered: " + "; ".join(
        f"{c.scope}={c.value} {c.sex}={c.count} ({c.how})" for c in found[:8])


def _recovered(outputs, k, lang, attack) -> list:
    truth = outputs.planted.truth()
    found = []
    for art in outputs.artifacts(k, lang):
        found += leaks(attack(art), truth, k)
    return found


@BY_K_AND_LANG
def test_sentences_give_back_no_hidden_count(outputs, k, lang):
    scope = outputs.planted.scope_counts()
    admitted = {"F": scope["women"][1], "M": scope["men"][1]}
    found = _recovered(outputs, k, lang, lambda a: sentence_arithmetic(a, scope) + selection_sentences(a, admitted))
    assert not found, _report(found, "sentences")


@BY_K_AND_LANG
def test_derived_values_do_not_invert_to_hidden_counts(outputs, k, lang):
    found = _recovered(outputs, k, lang, row_inversion)
    assert not found, _report(found, "derived values")


@BY_K_AND_LANG
def test_complements_do_not_isolate_a_hidden_count(outputs, k, lang):
    found = _recovered(outputs, k, lang, complements)
    assert not found, _report(found, "complements")


@BY_K_AND_LANG
def test_totals_from_other_files_do_not_isolate_a_hidden_count(outputs, k, lang):
    # the adversary pools every total printed in any output of the request (both languages)
    arts = outputs.artifacts(k, "en") + outputs.artifacts(k, "es")
    known = {"women": set(), "total": set()}
    from disclosure_attacks import _known_totals

    for art in arts:
        for col, values in _known_totals(art).items():
            known[col] |= values
    truth = outputs.planted.truth()
    found = [c for art in outputs.artifacts(k, lang) for c in leaks(complements(art, known), truth, k)]
    assert not found, _report(found, "complements across files")


@BY_K_AND_LANG
def test_maps_never_isolate_an_area(outputs, k, lang):
    truth = outputs.planted.truth()
    maps = outputs.maps(k, lang)
    women = outputs.planted.scope_counts()["women"][1]
    assert ("origin" in maps) == (women >= k), "the origin map is drawn exactly when the scope allows it"
    art = Artifact(label=f"maps k={k} {lang}", k=k, maps=maps)
    found = leaks(map_complement(art, {"origin": outputs.planted.scope_counts()["women"][1]}), truth, k)
    assert not found, _report(found, "maps")


@BY_K_AND_LANG
def test_no_local_path_of_the_worker_file_in_any_output(outputs, k, lang):
    secrets = [str(outputs.planted.workers.parent), outputs.planted.workers.parent.name]
    hits = [(art.label, s) for art in outputs.artifacts(k, lang) for s in local_paths(art, secrets)]
    assert not hits, f"the folder of the user's worker file is written in {hits}"


def test_pdf_text_gives_back_no_hidden_count(outputs):
    arts, run = outputs.report(10, "en", pdf=True)
    assert run.returncode == 0, run.stderr
    scope = outputs.planted.scope_counts()
    pdf = [a for a in arts if a.label.startswith("report pdf")]
    assert pdf, "no PDF written"
    found = leaks(sentence_arithmetic(pdf[0], scope), outputs.planted.truth(), 10)
    paths = local_paths(pdf[0], [str(outputs.planted.workers.parent)])
    assert not found and not paths, (_report(found, "pdf"), paths)


@pytest.mark.parametrize("command", ["analyze", "report"])
def test_a_scope_with_few_women_is_refused_or_suppressed(outputs, command):
    # Oregon: 3 women and 12 men; with k = 10 no sentence may describe them
    truth, scope = outputs.planted.truth("OR"), outputs.planted.scope_counts("OR")
    if command == "analyze":
        art, run = outputs.analyze(10, "en", state="OR")
        arts = [art] if art else []
    else:
        arts, run = outputs.report(10, "en", state="OR")
    if run.returncode != 0:  # a clear refusal: one line naming k, no traceback
        assert "k=10" in run.stderr or "k = 10" in run.stderr, run.stderr
        assert "Traceback" not in run.stderr
        return
    found = []
    for art in arts:
        found += leaks(sentence_arithmetic(art, scope) + complements(art) + row_inversion(art), truth, 10)
    assert not found, _report(found, "state scope")
