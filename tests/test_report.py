"""Rendered reports in both languages and both formats, from the synthetic default."""
from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from toolkit import dataset, evidence, report


def evidence_for(**request):
    return evidence.build(dataset.load(dataset.Request.build(**request)), commit="c0ffee", rendered="2026-12-01 00:00 UTC")

# English words that must not survive in the Spanish report (headings, labels, sentences).
ENGLISH = ["Key findings", "Figures", "Tables", "Methods", "Provenance", "Women were", "workers admitted",
           "Missing women", "Occupation", "Synthetic demonstration data", "standard deviations", "impact ratio",
           "Employer", "Recruiter", "Input files", "Rendered", "expected", "the US workforce", " and ", " the ",
           "To reproduce", "Women are", "job orders", "Certified positions", "Where the certified jobs", "Official SOC",
           "largest", "rows are shown", "Counts below", "Source:"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    ev = evidence_for(program="all", fy=2019)  # one evidence, both languages
    return {lang: report.render(ev, lang=lang, fmt="both", out=out) for lang in ("en", "es")}


def visible_text(path):
    return visible_text_of(path.read_text(encoding="utf-8"))


def visible_text_of(html: str) -> str:
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    html = re.sub(r'src="data:image/png;base64,[^"]+"', "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_files_written(rendered):
    for lang, paths in rendered.items():
        assert [p.suffix for p in paths] == [".html", ".pdf"]
        assert all(p.stat().st_size > 10_000 for p in paths)


def test_spanish_report_has_no_english_left(rendered):
    text = visible_text(rendered["es"][0])
    left = [w for w in ENGLISH if w in text]
    assert not left, f"English left in the Spanish report: {left}"
    assert "Hallazgos principales" in text and "Datos sintéticos de demostración" in text
    alts = re.findall(r'<img alt="([^"]*)"', rendered["es"][0].read_text(encoding="utf-8"))
    assert "Mujeres faltantes por ocupación" in alts and all(a and a[0].isupper() for a in alts)


def test_html_is_self_contained_with_banner_and_provenance(rendered):
    html = rendered["en"][0].read_text(encoding="utf-8")
    assert '<div class="banner">Synthetic demonstration data' in html
    assert '<meta name="viewport"' in html and "overflow-x: auto" in html
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', html)) >= 5
    assert not re.search(r'<img [^>]*src="(?!data:)', html) and "<script src" not in html
    text = visible_text(rendered["en"][0])
    assert "toolkit/synth.py" in text and "toolkit/data/cps11_women_share_by_soc.csv" in text
    assert re.search(r"\b[0-9a-f]{64}\b", text)
    assert "Counts of people from worker records below 10 (1 to 9 people) are hidden" in text
    # the exact command that reproduces the report
    assert "h2gender report --program all --fy 2019 --lang en --data synthetic --k 10 --seed 2019" in text


def test_pdf_pages_and_text(rendered):
    for lang, title in (("en", "Women in H-2A and H-2B"), ("es", "Mujeres en el reclutamiento")):
        reader = PdfReader(rendered[lang][1])
        assert 4 <= len(reader.pages) <= 20
        first = reader.pages[0].extract_text()
        assert title in first
        banner = "Synthetic demonstration data" if lang == "en" else "Datos sintéticos de demostración"
        assert all(banner in p.extract_text() for p in reader.pages)  # on every page


def test_cli_rejects_bad_options():
    r = subprocess.run([sys.executable, "-m", "toolkit", "report", "--lang", "fr"], capture_output=True, text=True)
    assert r.returncode == 2 and "language must be one of ['en', 'es'], got 'fr'" in r.stderr
    r = subprocess.run([sys.executable, "-m", "toolkit", "report", "--state", "Texas"], capture_output=True, text=True)
    assert r.returncode == 2 and "state 'TEXAS' is not a USPS state or territory code" in r.stderr
    r = subprocess.run([sys.executable, "-m", "toolkit", "report", "--fy", "2019-2010"], capture_output=True, text=True)
    assert r.returncode == 2 and "runs backwards" in r.stderr


def test_missing_weasyprint_says_how_to_install(tmp_path, monkeypatch):
    import builtins

    from toolkit.errors import ReportError

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name == "weasyprint":
            raise ImportError("No module named 'weasyprint'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    with pytest.raises(ReportError, match=r"python -m pip install weasyprint.*the HTML report was written"):
        report.write_pdf("<html><body>x</body></html>", tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


class _Tables(HTMLParser):
    """Collect every <table class="evidence-table"> as a list of rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self._row, self._cell, self._in = [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "evidence-table" in (dict(attrs).get("class") or ""):
            self._in = True
            self.tables.append([])
        elif self._in and tag == "tr":
            self._row = []
        elif self._in and tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self._in = False
        elif self._in and tag in ("td", "th") and self._row is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif self._in and tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


@pytest.mark.parametrize("lang,count_headers", [("en", ("Workers", "Women")),
                                                ("es", ("Personas trabajadoras", "Mujeres"))])
def test_no_table_cell_below_k_in_rendered_html(rendered, lang, count_headers):
    parser = _Tables()
    parser.feed(rendered[lang][0].read_text(encoding="utf-8"))
    checked = 0
    for table in parser.tables:
        header, rows = table[0], table[1:]
        for name in count_headers:
            if name not in header:
                continue
            j = header.index(name)
            for row in rows:
                value = row[j].replace(",", "")
                if value not in ("—", "hidden", "oculto"):  # no records / hidden (present._cell)
                    assert not 0 < int(value) < 10, (name, row)
                    checked += 1
    assert checked > 20
    assert any(h in row for h in ("hidden", "oculto") for table in parser.tables for row in table)  # suppressed


@pytest.mark.realdata
def test_store_report_in_spanish(tmp_path, monkeypatch, dol_dir):
    # a report from a real DOL file: no synthetic banner, findings that need sex say DOL files
    # do not record it, provenance lists the source file with its sha256, Spanish throughout
    from toolkit import dol, store

    monkeypatch.setenv("H2GENDER_DATA_DIR", str(tmp_path / "data"))
    path = dol_dir / "H2B_Disclosure_Data_FY2021_Q1.xlsx"
    sha = dol.sha256_file(path)
    store.write_cases(dol.read_disclosure(path), source_sha256=sha, source_file=path.name)
    (html,) = report.render(evidence_for(data="store", program="H-2B", fy=2021), lang="es", fmt="html", out=tmp_path)
    page = html.read_text(encoding="utf-8")
    assert 'class="banner"' not in page and "sintéticos" not in page
    no_tables = re.sub(r"<table.*?</table>", " ", page, flags=re.S)  # official SOC titles may be English
    text = visible_text_of(no_tables)
    assert "Los archivos del DOL no registran el sexo" in text and "Dónde están los empleos certificados" in text
    left = [w for w in ENGLISH if w in text and w != "Synthetic demonstration data"]
    assert not left, f"English left in the Spanish store report: {left}"
    assert path.name in page and sha in page
    assert "h2gender report --program H-2B --fy 2021 --lang es --data store --k 10" in text


def test_cli_without_weasyprint_prints_the_html_written(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from toolkit.cli import main
    from toolkit.errors import ReportError

    def html_only(ev, *, lang, fmt, out, paper_size=None):
        html = report.output_path(ev, lang=lang, out=out)
        html.write_text("<html></html>", encoding="utf-8")
        raise ReportError("PDF needs WeasyPrint, which could not be loaded (x). Install it with "
                          "`python -m pip install weasyprint`; the HTML report was written")

    monkeypatch.setattr(report, "render", html_only)
    r = CliRunner().invoke(main, ["report", "--lang", "en,es", "--format", "both", "--out", str(tmp_path)])
    for lang in ("en", "es"):
        assert f"Report written: {tmp_path / f'evidence_report_all_FY2019_synthetic_{lang}.html'}" in r.output
    assert isinstance(r.exception, ReportError) and "pip install weasyprint" in str(r.exception)
