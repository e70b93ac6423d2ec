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

import re

from disclosure_attacks import (Artifact, analyze_artifact, complements, eb_prior, global_segregation, html_artifact,
                                leaks, local_paths, map_complement, rank_order, recruiter_records_difference,
                                row_inversion, selection_sentences, sentence_arithmetic, two_publications,
                                weighted_share_totals)
from disclosure_fixtures import FISCAL_YEAR, PROGRAM, planted_survey

ROOT = Path(__file__).resolve().parents[1]
KS = (5, 10, 60)
#: the k whose report run writes PDFs in the default run (the others: ``test_pdfs_of_every_k``, slow)
PDF_K = 10
LANGS = ("en", "es")
CASES = [(k, lang) for k in KS for lang in LANGS]

BY_K_AND_LANG = pytest.mark.parametrize(("k", "lang"), [pytest.param(k, lang, id=f"k{k}-{lang}") for k, lang in CASES])


def _env(data_dir: Path | None = None) -> dict:
    env = dict(os.environ)
    env.update(PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", JUPYTER_PLATFORM_DIRS="1")
    if data_dir is not None:  # the store, and so the publication ledger of the worker file
        env["H2GENDER_DATA_DIR"] = str(data_dir)
    return env


def _cli(args: list[str], data_dir: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True,
                          env=_env(data_dir), cwd=ROOT)


class Outputs:
    """Runs the command line once per (k, scope) and keeps the artifacts (module-scoped)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.planted = planted_survey(folder)
        self._cache: dict = {}

    def data_dir(self, k: int) -> Path:
        """One store per k: every output of one k is one release of the worker file's ledger."""
        return self.folder / f"data-k{k}"

    def common(self, k: int, state: str | None = None) -> list[str]:
        args = ["--program", PROGRAM, "--fy", str(FISCAL_YEAR), "--data", "synthetic", "--k", str(k),
                "--workers", str(self.planted.workers), "--mapping", str(self.planted.mapping)]
        return args + (["--state", state] if state else [])

    def analyze(self, k: int, lang: str, state: str | None = None) -> tuple[Artifact, subprocess.CompletedProcess]:
        key = ("analyze", k, lang, state)
        if key not in self._cache:
            fmt = "csv" if lang == "en" else "json"
            out = self.folder / f"analyze-{k}-{lang}-{state}"
            run = _cli(["analyze", *self.common(k, state), "--lang", lang, "--format", fmt, "--out", str(out)],
                       self.data_dir(k))
            art = analyze_artifact(f"analyze {fmt} k={k} {lang}", k, out, fmt) if run.returncode == 0 else None
            self._cache[key] = (art, run)
        return self._cache[key]

    def report(self, k: int, lang: str, state: str | None = None, pdf: bool = False):
        """The report's artifacts in ``lang`` (HTML; with ``pdf``, its PDF too). One run per (k,
        state) writes both languages; at ``PDF_K`` the run writes the PDFs too (a PDF costs a
        WeasyPrint render, not another build), elsewhere a run with PDFs replaces the HTML-only one."""
        pdf = pdf or (k == PDF_K and state is None)
        key = ("report", k, state, pdf)
        if key not in self._cache:
            out = self.folder / f"report-{k}-{state}-{pdf}"
            run = _cli(["report", *self.common(k, state), "--lang", "en,es", "--format", "both" if pdf else "html",
                        "--out", str(out)], self.data_dir(k))
            self._cache[key] = (out, run)
            self._cache[("report", k, state, False)] = (out, run)
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
            run = _cli(["site", *self.common(k), "--lang", "en,es", "--jobs", "1", "--out", str(out)], self.data_dir(k))
            self._cache[key] = (out, run)
        out, run = self._cache[key]
        if not out.exists():
            return [], run
        import html as html_mod

        # read as text: the templates escape quotes their own way (&#39;, not html.escape's &#x27;)
        note = site.text("state_workers_national_only", lang)
        states = [html_mod.unescape(p.read_text(encoding="utf-8"))
                  for p in sorted((out / lang / "state").glob("*.html"))]
        heading = site.text("state_evidence", lang)
        with_evidence = [page for page in states if heading in page]
        assert with_evidence and all(note in page for page in with_evidence)
        index = out / lang / "index.html"
        return [html_artifact(f"site {index.relative_to(out)} k={k}", k, lang, index.read_text(encoding="utf-8"))], run

    def maps(self, k: int, lang: str) -> dict[str, pd.Series]:
        """The origin map's values as drawn by ``report`` (in this process): area -> count,
        NA for hatched areas, 0 for areas without data. The values are the publication's, the same
        in every language (only the labels differ), so one report per k is drawn."""
        key = ("maps", k)
        if key not in self._cache:
            self._cache[key] = _drawn_maps(self, k, "en")
        return self._cache[key]

    def artifacts(self, k: int, lang: str) -> list[Artifact]:
        """analyze, the report's HTML and the site's index of one (k, lang); PDFs: ``pdfs``."""
        art, run = self.analyze(k, lang)
        assert run.returncode == 0, run.stderr
        reports, run = self.report(k, lang)
        assert run.returncode == 0, run.stderr
        reports = [a for a in reports if not a.label.startswith("report pdf")]
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


_WORD_NUMBER = re.compile(r"(?<![\w.,\-/:])\d{1,3}(?:[,.\u00a0\u202f]\d{3})*(?:[.,]\d+)?(?![\w\-/:])")


def _numbers_shown(text: str) -> set[str]:
    """The numbers a page shows (standalone, not inside a word, checksum or date), digits only."""
    text = re.sub(r"[\u2010-]\n", "", text)  # a word or checksum broken at a line end
    text = re.sub(r"(?m)^\d+ / \d+$", "", text)  # the PDF's page numbers
    return {re.sub(r"\D", "", m.group(0)) for m in _WORD_NUMBER.finditer(text)}


def _check_pdfs(outputs, k: int):
    """Every PDF of the report at k, in both languages: no attack on its text recovers a hidden count,
    it names no local folder, and every number it shows is a number of the same report's HTML (the
    page the attacks read and the ledger audits), so the PDF publishes nothing the HTML does not."""
    scope, truth = outputs.planted.scope_counts(), outputs.planted.truth()
    for lang in LANGS:
        arts, run = outputs.report(k, lang, pdf=True)
        assert run.returncode == 0, run.stderr
        pdf = [a for a in arts if a.label.startswith("report pdf")]
        html = [a for a in arts if a.label.startswith("report html")]
        assert len(pdf) == 1 and len(html) == 1, [a.label for a in arts]
        found = leaks(sentence_arithmetic(pdf[0], scope), truth, k)
        paths = local_paths(pdf[0], [str(outputs.planted.workers.parent)])
        assert not found and not paths, (_report(found, "pdf"), paths)
        shown = _numbers_shown(pdf[0].raw)
        page = re.sub(r"<[^>]+>", " ", html[0].raw)
        extra = shown - _numbers_shown(__import__("html").unescape(page))
        assert len(shown) > 50 and not extra, (f"k={k} {lang}", sorted(extra)[:20])


def test_pdf_text_gives_back_no_hidden_count(outputs):
    _check_pdfs(outputs, PDF_K)


@pytest.mark.slow
@pytest.mark.parametrize("k", [k for k in KS if k != PDF_K])
def test_pdfs_of_every_k(outputs, k):
    _check_pdfs(outputs, k)


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


# ------------------------------------------------------------------------------------------------
# issue 22: channels an adversary found beyond the suite above; each attack first succeeds on an
# unprotected output (computed here as the toolkit used to), then fails on the real outputs
def _planted_counts(planted, scope: str) -> pd.DataFrame:
    adm = planted.rows[planted.rows["selected"]]
    t = adm.groupby([scope, "sex"]).size().unstack(fill_value=0).reindex(columns=["F", "M"], fill_value=0)
    return pd.DataFrame({scope: t.index.astype(str), "women": t["F"].to_numpy(), "total": (t["F"] + t["M"]).to_numpy()})


def _hidden_by_rule(table: pd.DataFrame, scope: str, k: int) -> pd.Series:
    from toolkit import disclosure

    kinds = {scope: "public", "women": "protected", "total": "protected"}
    work = table[[scope, "women", "total"]].assign(men=table["total"] - table["women"])
    return disclosure.protect_rows(work, {**kinds, "men": "protected"}, k=k)["suppressed"]


def test_global_h_over_hidden_rows_attack(outputs):
    from toolkit import segregation

    k, truth = 10, outputs.planted.truth()
    occ = _planted_counts(outputs.planted, "soc_code")
    women, men = int(occ["women"].sum()), int((occ["total"] - occ["women"]).sum())
    # unprotected: H over every occupation, hidden ones included, published beside the protected table
    long = pd.concat([occ.assign(sex="F", n=occ["women"]), occ.assign(sex="M", n=occ["total"] - occ["women"])])
    h = segregation.mutual_total(long, "sex", "soc_code", "n").loc["H", "est"]
    shown = occ.assign(women=occ["women"].where(~_hidden_by_rule(occ, "soc_code", k)))
    naive = Artifact("naive", k, tables={"occupations": shown, "segregation": pd.DataFrame({"stat": ["H"], "est": [h]})})
    assert {c.count for c in leaks(global_segregation(naive, women, men), truth, k)} == {7}
    for kk in KS:
        for lang in LANGS:
            art, run = outputs.analyze(kk, lang)
            assert run.returncode == 0, run.stderr
            found = leaks(global_segregation(art, women, men), truth, kk)
            assert not found, _report(found, f"global H k={kk} {lang}")


def test_empirical_bayes_prior_refit_attack(outputs):
    from toolkit import discrimination

    k, truth = 5, outputs.planted.truth()
    emp = _planted_counts(outputs.planted, "employer_name")
    sizes = dict(zip(emp["employer_name"], emp["total"]))
    women = int(emp["women"].sum())
    # unprotected: the prior fitted over every employer, hidden ones included; shrunk shares printed
    scr = discrimination.screen_entities(emp.assign(expected_share=0.27), "employer_name", k=k).table
    hidden = _hidden_by_rule(scr[["employer_name", "women", "total"]], "employer_name", k).to_numpy()
    naive = Artifact("naive", k, tables={"employers": scr.assign(women=scr["women"].where(~hidden))})
    assert {c.count for c in leaks(eb_prior(naive, "employers", sizes, women), truth, k)} == {3, 4}
    for kk in KS:
        for lang in LANGS:
            art, run = outputs.analyze(kk, lang)
            found = [c for key in ("employers", "recruiters") if key in art.tables
                     for c in leaks(eb_prior(art, key, {**sizes, **dict(zip(*_planted_counts(
                         outputs.planted, "recruiter")[["recruiter", "total"]].T.to_numpy()))}, women), truth, kk)]
            assert not found, _report(found, f"empirical-Bayes prior k={kk} {lang}")


def test_weighted_expected_share_of_hidden_states_attack(outputs):
    k = 10
    st = _planted_counts(outputs.planted, "worksite_state")
    rates = {"GA": 0.28, "FL": 0.30, "NC": 0.26, "OR": 0.33}
    st = st.assign(expected_share=st["worksite_state"].map(rates))
    expected = float((st["expected_share"] * st["total"]).sum())
    hidden = _hidden_by_rule(st, "worksite_state", k).to_numpy()
    naive = Artifact("naive", k, tables={"states": st.assign(women=st["women"].where(~hidden),
                                                             total=st["total"].where(~hidden))})
    sizes = dict(zip(st["worksite_state"], st["total"]))
    got = {c.value: c.count for c in weighted_share_totals(naive, expected, int(st["total"].sum()))}
    assert got and all(sizes[v] == n for v, n in got.items()), got  # the hidden states' workers come back
    for kk in KS:
        art, _ = outputs.analyze(kk, "en")
        av = art.tables.get("availability")
        if av is None or av["expected"].isna().all():
            continue
        got = weighted_share_totals(art, float(av["expected"].iloc[0]), int(av["total"].iloc[0]))
        assert not [c for c in got if sizes.get(c.value) == c.count], got


def test_expected_women_pooled_over_hidden_occupations_attack(outputs):
    # the scope's expected women pooled over every occupation (weighted by its workers) with the
    # benchmark share printed for every occupation give the hidden occupations' workers back
    k = 10
    occ = _planted_counts(outputs.planted, "soc_code")
    bench = {"45-2041": 0.265, "53-7064": 0.529, "45-2092": 0.265 * 1.01}
    occ = occ.assign(women_share=occ["soc_code"].map(bench))
    expected = float((occ["women_share"] * occ["total"]).sum())
    hidden = _hidden_by_rule(occ, "soc_code", k).to_numpy()
    naive = Artifact("naive", k, tables={"occupations": occ.assign(women=occ["women"].where(~hidden),
                                                                   total=occ["total"].where(~hidden))})
    sizes = dict(zip(occ["soc_code"], occ["total"]))
    got = weighted_share_totals(naive, expected, int(occ["total"].sum()), "occupations", "women_share")
    assert got and all(sizes[c.value] == c.count for c in got), got
    for kk in KS:
        art, _ = outputs.analyze(kk, "en")
        av = art.tables.get("availability")
        if av is None or av["expected"].isna().all():
            continue
        got = weighted_share_totals(art, float(av["expected"].iloc[0]), int(av["total"].iloc[0]), "occupations",
                                    "women_share")
        assert not [c for c in got if sizes.get(c.value) == c.count], got


def test_expected_women_of_a_visible_state_over_hidden_occupations_attack(outputs, tmp_path):
    # Georgia's own publication at k = 10 hides two of its occupations (45-2041: 13 workers, 53-7064: 27)
    # and prints Georgia's expected women, weighted by its workers' occupations, at full precision.
    # Weighted by the occupations' own benchmark shares (0.265 and 0.529, printed in the same table),
    # it gives both hidden occupations' sizes; weighted by one merged share for the hidden ones, nothing.
    k = 10
    out = tmp_path / "ga"
    run = _cli(["analyze", *outputs.common(k, "GA"), "--format", "csv", "--out", str(out)], tmp_path / "store")
    assert run.returncode == 0, run.stderr
    art = analyze_artifact("GA", k, out, "csv")
    occ, st = art.tables["occupations"], art.tables["states"]
    rows = outputs.planted.rows
    ga = rows[rows["selected"] & (rows["worksite_state"] == "GA")].groupby("soc_code").size()
    hidden = occ.loc[occ["women"].isna(), "soc_code"].astype(str).tolist()
    assert len(hidden) == 2 and len(st) == 1
    # unprotected: Georgia's expected women over its occupations' own shares
    share = occ.set_index(occ["soc_code"].astype(str))["women_share"]
    naive = float(sum(share[c] * n for c, n in ga.items()))
    got = {c.value: c.count for c in weighted_share_totals(art, naive, int(ga.sum()), "occupations", "women_share")}
    assert got == {c: int(ga[c]) for c in hidden}, got
    # protected: Georgia's expected women as published
    got = weighted_share_totals(art, float(st["expected_women"].iloc[0]), int(st["total"].iloc[0]), "occupations",
                                "women_share")
    assert got and not [c for c in got if int(ga.get(c.value, -1)) == c.count], got


def test_two_publications_of_one_worker_file(outputs, tmp_path):
    k, truth = 10, outputs.planted.truth()
    nation, run = outputs.analyze(k, "en")
    assert run.returncode == 0, run.stderr
    # unprotected: North Carolina's own publication (from a store without this file's ledger) beside the
    # nation's gives Oregon's 3 women, which the nation hides with North Carolina as its complement
    out = tmp_path / "nc-alone"
    run = _cli(["analyze", *outputs.common(k, "NC"), "--format", "csv", "--out", str(out)], tmp_path / "other-store")
    assert run.returncode == 0, run.stderr
    nc = analyze_artifact("nc", k, out, "csv")
    assert {c.count for c in leaks(two_publications(nation, {"NC": nc}), truth, k)} == {3}
    # protected: the same request in the store that recorded the nation's outputs is refused, naming them
    for state in ("NC", "GA", "FL"):
        out = tmp_path / f"ledger-{state}"
        run = _cli(["analyze", *outputs.common(k, state), "--format", "csv", "--out", str(out)], outputs.data_dir(k))
        arts = {state: analyze_artifact(state, k, out, "csv")} if run.returncode == 0 else {}
        if run.returncode:
            assert "earlier publication from the same worker file" in run.stderr and "k=10" in run.stderr, run.stderr
            assert not out.exists() or not any(out.iterdir()), "a refused publication wrote files"
        found = leaks(two_publications(nation, arts), truth, k)
        assert not found, _report(found, f"nation + {state}")
    assert _cli(["analyze", *outputs.common(k, "NC"), "--format", "csv", "--out", str(tmp_path / "nc-release"),
                 "--new-release"], tmp_path / "fresh").returncode == 0


def _ledger_passes_the_audit(planted, data_dir: Path, k: int) -> list[dict]:
    """Every publication of the current release in a store's ledger of the planted file, audited
    together with the counts their scopes' differences give; returns the publications."""
    from toolkit import checksum, disclosure, ledger

    book = ledger.read(checksum.sha256_file(planted.workers), root=data_dir / "store")
    pubs = [p for p in book["publications"] if p["release"] == book["release"]]
    cells = [disclosure.Cell.from_list(row) for p in pubs for row in p["cells"]]
    if cells:
        sup = pd.DataFrame([row for p in pubs for row in p["support"]],
                           columns=disclosure.SUPPORT_COLUMNS).drop_duplicates()
        result = disclosure.audit(cells + disclosure.implied_cells(cells, sup), sup, k=k)
        assert len(result) and result["safe"].all(), result[~result["safe"]].to_dict("records")
    return pubs


def test_every_output_of_the_matrix_passes_the_lp_audit(outputs):
    # every analyze, report and site output of each k is in that k's ledger; audited together (and at
    # k = 10 the state publications the tests above made in the same store)
    for k in KS:
        for lang in LANGS:
            outputs.artifacts(k, lang)
        pubs = _ledger_passes_the_audit(outputs.planted, outputs.data_dir(k), k)
        commands = {c for p in pubs for c in p["commands"]}
        if k < 60:  # at k = 60 the scope is refused: nothing from the records is published or recorded
            assert {"analyze", "report", "site"} <= commands, commands


def test_a_refused_scope_prints_no_size(outputs):
    # Oregon at k = 10 (3 women): neither the terminal nor the outputs say how many records it holds
    rows = outputs.planted.rows
    mine = rows[rows["worksite_state"] == "OR"]
    sizes = {len(mine), int(mine["selected"].sum()), len(rows) - len(mine)}
    art, run = outputs.analyze(10, "en", state="OR")
    arts, run_r = outputs.report(10, "en", state="OR")
    for r in (run, run_r):
        assert "rows read" not in r.stderr + r.stdout, r.stderr
        said = {int(x) for x in re.findall(r"(?<![\d.,:-])(\d[\d,]*)(?![\d.,:-])", (r.stderr + r.stdout).replace(",", ""))}
        assert not (said & sizes), (said & sizes, r.stderr)
    for a in ([art] if art else []) + arts:
        assert "rows read" not in a.raw
        # no sentence of the outputs about worker records holds a number but k (the refusal names k only)
        about = re.compile(r"worker records|registros de trabajador|rows|filas", re.I)
        said = {int(x) for t in a.texts if about.search(t)
                for x in re.findall(r"(?<![\d.,:-])(\d[\d,]*)(?![\d.,:%-])", t.replace(",", ""))}
        assert not (said & sizes), (a.label, said & sizes)
    # the check reads what the old refusal printed
    old = "Worker records: 829 rows read, 50 used; fewer than 10 women"
    assert {int(x) for x in re.findall(r"(?<![\d.,:-])(\d[\d,]*)(?![\d.,:%-])", old)} & {829, 50}


def test_ranks_are_over_visible_rows_only(outputs):
    from toolkit import discrimination

    emp = _planted_counts(outputs.planted, "employer_name").assign(expected_share=0.27)
    scr = discrimination.screen_entities(emp, "employer_name", k=10).table  # unprotected: ranks over every row
    hidden = _hidden_by_rule(scr[["employer_name", "women", "total"]], "employer_name", 10).to_numpy()
    assert rank_order(Artifact("naive", 10, tables={"employers": scr.assign(women=scr["women"].where(~hidden))}))
    for k in KS:
        for lang in LANGS:  # the analyze tables (CSV, JSON) and the report and site pages (HTML)
            for art in outputs.artifacts(k, lang):
                assert not rank_order(art), (art.label, rank_order(art))
        assert any("rank" in t for art in outputs.artifacts(5, "en") if art.label.startswith("report html")
                   for t in art.tables.values()), "no ranked table read from the HTML report"


def test_no_sentence_names_a_share_of_no_woman(outputs):
    # "0% of the women (0)": a sentence about an occupation none of the women holds
    from toolkit import i18n

    pattern = re.compile(r"(?<![\d.,])0(?:[.,]0+)?\s?%[^()\n]{0,40}\((?:0|0 women|0 mujeres)\)")
    for lang in LANGS:
        old = i18n.t("finding_channelling", lang).format_map(__import__("collections").defaultdict(
            str, share_f="0%", women="0"))
        assert pattern.search(old), old  # the test would catch the old sentence
        for k in KS:
            for art in outputs.artifacts(k, lang):
                found = [t for t in [*art.texts, art.raw] if pattern.search(t)]
                assert not found, (art.label, [pattern.search(t).group(0) for t in found])


def test_appendix_c_recruiter_counts_over_every_record_attack():
    # A worker file naming one recruiter, with Appendix C: the recruiter table printed that recruiter's
    # workers and women over every record naming it, rejected applicants too; minus the admitted women
    # (printed), that is the 2 rejected women the selection table hides. Counted as the audit's recruiter
    # atoms (admitted workers with an occupation) the difference is 0, and the counts are audited.
    from toolkit import dataset, disclosure, evidence, recruiters, schema
    from disclosure_fixtures import planted_rows

    k = 10
    rows = planted_rows().assign(recruiter="Reclutadora Unica", program=PROGRAM)
    truth = {("selection", "rejected_women", "F"): 2, ("selection", "rejected_men", "M"): 225}
    numbers = sorted(rows["case_number"].unique())
    cases = schema.conform(pd.DataFrame({"case_number": numbers, "employer_name": "Planted Farm Inc",
                                         "employer_state": "GA", "soc_code": "45-2092", "soc_title": "Farmworkers",
                                         "workers_certified": 20, "is_duplicate": False, "fiscal_year": FISCAL_YEAR}),
                           schema.CASE_COLUMNS, name="cases")
    rec = pd.DataFrame({"case_number": numbers, "recruiter_name": "Reclutadora Unica", "recruiter_city": "Monterrey",
                        "recruiter_province": "NL", "recruiter_country": "MEXICO"})
    bench = pd.DataFrame({"soc_code": ["45-2092", "45-2041", "53-7064"], "women_share": [0.265, 0.265, 0.529]})
    adm = rows[rows["selected"]]
    av = pd.DataFrame({"observed": [int((adm["sex"] == "F").sum())], "total": [len(adm)]})
    # unprotected: the recruiter's counts over every record naming it
    naive = recruiters.summary(cases, rec, benchmark=bench, workers=rows).table
    art = Artifact("naive", k, tables={"recruiters_appendix_c": naive, "availability": av})
    assert {c.count for c in leaks(recruiter_records_difference(art), truth, k)} == {2}  # a small cell only
    # protected: as the evidence publishes them
    data = dataset.Dataset(request=dataset.Request(k=k), cases=cases, workers=rows, companions={"recruiters": rec})
    ev = evidence.Evidence(request=data.request, synthetic=False)
    evidence._employers_and_recruiters(ev, data, bench, k=k, workers_allowed=True)
    art = Artifact("real", k, tables={"recruiters_appendix_c": ev.raw_tables["recruiters_appendix_c"],
                                      "availability": av})
    assert recruiter_records_difference(art) and not leaks(recruiter_records_difference(art), truth, k)
    # and the LP audit sees them: beside the scope's totals and the hidden selection table, still safe
    years = tuple(data.request.fiscal_years)
    cells = [*ev.disclosed, *[disclosure.Cell(years, (), "_total", (), s, int((adm["sex"] == s).sum()))
                              for s in "FM"],
             *[disclosure.Cell(years, (), "selected", (v,), s, None) for v in ("True", "False") for s in "FM"]]
    assert ev.disclosed and disclosure.audit(cells, disclosure.support(rows.assign(fiscal_year=years[0])),
                                             k=k)["safe"].all()


def test_one_year_beside_a_year_list_of_one_worker_file(tmp_path):
    # a two-year worker file: Georgia has 20 women in FY2020, 5 in FY2022. `analyze --fy 2020` and
    # `--fy 2020,2022` each pass alone; side by side (no ledger) Georgia's women differ by its hidden
    # FY2022 count. In one store the second is refused naming the first, or hides enough to say nothing.
    from disclosure_fixtures import planted_two_years

    k = 10
    planted = planted_two_years(tmp_path)
    adm = planted.rows[planted.rows["selected"]]
    ga_2022 = int(((adm["worksite_state"] == "GA") & (adm["sex"] == "F") & (adm["fiscal_year"] == 2022)).sum())
    assert 0 < ga_2022 < k

    def analyze(fy: str, store: Path):
        out = tmp_path / f"fy{fy}-{store.name}"
        run = _cli(["analyze", "--program", PROGRAM, "--fy", fy, "--data", "synthetic", "--k", str(k), "--workers",
                    str(planted.workers), "--mapping", str(planted.mapping), "--format", "csv", "--out", str(out)],
                   store)
        return (analyze_artifact(fy, k, out, "csv") if run.returncode == 0 else None), run

    def difference(one, both) -> dict[str, int]:
        a, b = (x.tables["states"].set_index("worksite_state")["women"] for x in (one, both))
        shown = a.dropna().index.intersection(b.dropna().index)
        return {s: int(b[s] - a[s]) for s in shown}

    first, run = analyze("2020", tmp_path / "store")
    assert run.returncode == 0, run.stderr
    # unprotected: the year list from a store without the first publication's ledger
    alone, run = analyze("2020,2022", tmp_path / "other-store")
    assert run.returncode == 0, run.stderr
    assert difference(first, alone).get("GA") == ga_2022
    # protected: the same request where the first was recorded
    both, run = analyze("2020,2022", tmp_path / "store")
    _ledger_passes_the_audit(planted, tmp_path / "store", k)
    if run.returncode:
        assert "earlier publication from the same worker file" in run.stderr and "FY2020," in run.stderr, run.stderr
        return
    truth = {(s, n) for s, n in difference(first, both).items()
             if n == int(((adm["worksite_state"] == s) & (adm["sex"] == "F") & (adm["fiscal_year"] == 2022)).sum())}
    assert not [t for t in truth if 0 < t[1] < k], truth
