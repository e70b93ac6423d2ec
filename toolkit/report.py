"""Render the evidence report: ``Evidence`` -> one self-contained HTML page -> PDF.

The path is one-way and kernel-free: ``render(evidence, lang=...)`` asks ``toolkit.present``
for the page's content in ``lang`` (translated strings, formatted tables, figures as embedded
PNG), lays it out with the Jinja2 template ``reports/templates/evidence_report.html.j2`` (which
only places what it is given), wraps it with the CSS (phone-friendly, a banner on every screen
and printed page for synthetic data) and prints it to PDF with WeasyPrint (installed from PyPI;
renders offline, UTF-8). If WeasyPrint cannot be imported, the HTML is still written and the
error says how to install it.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from toolkit import i18n, paper
from toolkit.errors import ReportError
if TYPE_CHECKING:  # a renderer takes a scope's evidence as a value; it never builds one
    from toolkit.evidence import Evidence

__all__ = ["render", "render_html", "output_path", "write_pdf", "template_path", "CSS", "FORMATS"]

FORMATS = ("html", "pdf", "both")
TEMPLATE = "evidence_report.html.j2"


def template_path() -> Path:
    """``reports/templates/evidence_report.html.j2`` of the source checkout or its installed copy
    (``config.resource_dir``)."""
    from toolkit.config import resource_dir

    base = resource_dir("reports/templates") or Path(__file__).resolve().parents[1] / "reports" / "templates"
    path = base / TEMPLATE
    if not path.exists():
        raise ReportError(f"report template not found at {path}; reinstall the toolkit")
    return path


CSS = """
:root { --ink: #1d1d1f; --accent: #6a1b9a; --warn: #b00020; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink); line-height: 1.45;
       margin: 0; font-size: 15px; }
main { max-width: 52rem; margin: 0 auto; padding: 0.5rem 1rem 3rem; }
.banner { position: sticky; top: 0; z-index: 10; background: var(--warn); color: white; text-align: center;
          font-weight: bold; padding: 0.35rem 0.5rem; font-size: 0.9rem; }
h1.title { font-size: 1.6rem; margin: 1rem 0 0.3rem; color: var(--accent); }
h2 { font-size: 1.25rem; border-bottom: 2px solid var(--accent); padding-bottom: 0.15rem; margin-top: 1.6rem; }
h3 { font-size: 1.05rem; margin-top: 1.2rem; }
.scope { color: #444; } .synthetic-note { border-left: 4px solid var(--warn); padding-left: 0.6rem; }
.suppression-note, .note { font-size: 0.85rem; color: #444; }
ol.findings li { margin-bottom: 0.7rem; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table.evidence-table { border-collapse: collapse; font-size: 0.8rem; width: 100%; }
/* numbers are never split ("35,19 / 0" reads as 35.19 in Spanish) and headers never hyphenated letter
   by letter: hyphens only where the text has a soft hyphen, breaks only between words */
table.evidence-table th, table.evidence-table td { padding: 0.25rem 0.4rem; border-bottom: 1px solid #ddd;
  text-align: right; vertical-align: top; hyphens: manual; -webkit-hyphens: manual; overflow-wrap: normal;
  word-break: normal; }
table.evidence-table td.num, table.evidence-table th.num, table.evidence-table td.code { white-space: nowrap; }
table.evidence-table td:not(.num) { text-align: left; }
table.evidence-table th { background: #f3eef7; }
table.evidence-table td:first-child, table.evidence-table th:first-child { text-align: left; }
.provenance { font-size: 0.8rem; word-break: break-all; }
pre.command { white-space: pre-wrap; background: #f6f6f6; padding: 0.4rem 0.6rem; font-size: 0.8rem; }
@media (max-width: 600px) { body { font-size: 14px; } h1.title { font-size: 1.3rem; } }
@media print { .banner { position: static; } figure { break-inside: avoid; } table { break-inside: auto; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; } tr, figure, .finding { break-inside: avoid; }
  p { orphans: 3; widows: 3; } }
"""


def _page_css(synthetic: bool, lang: str, paper_size: str) -> str:
    """The page's CSS: screen rules, then the printed page (``paper.page_css``: size, margins,
    wide tables on a landscape page) and, for synthetic data, the banner on every printed page."""
    css = CSS + paper.page_css(paper_size)
    if not synthetic:
        return css
    banner = i18n.t("synthetic_banner", lang).replace('"', "'")
    return css + (f'\n@page {{ @top-center {{ content: "{banner}"; color: #b00020; font-weight: bold; '
                  'font-size: 9pt; }} }}\n@page wide {{ @top-center {{ content: "{banner}"; color: #b00020; '
                  'font-weight: bold; font-size: 9pt; }} }}')


#: a SOC (or Census) occupation code as a table cell shows it
_CODE = re.compile(r"\d{2}-\d{4}(?:\.\d{2})?|\d{4}")


def _table_html(df: pd.DataFrame) -> str:
    """A display table as HTML: escaped, every cell that reads as a number (``present.NUMBER``)
    marked ``num`` so that it is never split across lines."""
    import html

    from toolkit import present

    numeric = present.numeric_columns(df)
    cls = lambda i: ' class="num"' if numeric[i] else ""  # noqa: E731
    # an occupation code ("45-2092") is kept whole too: a narrow column would break it at its hyphen
    td = lambda i, v: ' class="num"' if numeric[i] else ' class="code"' if _CODE.fullmatch(v) else ""  # noqa: E731
    cells = df.astype("object").where(df.notna(), "—").astype(str)
    head = "".join(f"<th{cls(i)}>{html.escape(str(c))}</th>" for i, c in enumerate(df.columns))
    body = "".join("<tr>" + "".join(f"<td{td(i, v)}>{html.escape(v)}</td>" for i, v in enumerate(row)) + "</tr>"
                   for row in cells.itertuples(index=False))
    return (f'<table class="{paper.table_class(max(1, df.shape[1]))}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def render_html(ev: Evidence, lang: str, *, paper_size: str | None = None) -> str:
    """The report page in ``lang`` as one self-contained HTML string, printed on ``paper_size``
    ("letter" or "a4"; default ``paper.default_paper(lang)``)."""
    paper_size = paper.check_paper(paper_size or paper.default_paper(lang))
    import jinja2
    import mistune

    from toolkit import present

    v = present.view(ev, lang)
    for t in v["tables"]:
        t["html"] = _table_html(t["frame"])
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(template_path().parent)), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env.get_template(TEMPLATE).render(v=v, css=_page_css(ev.synthetic, lang, paper_size),
                                             methods_html=mistune.html(v["methods"]),
                                             files_html=_table_html(v["provenance"]["files"]))


def write_pdf(html_text: str, path: Path) -> Path:
    import warnings

    try:
        with warnings.catch_warnings():  # WeasyPrint warns about optional system libraries (HarfBuzz-Subset)
            warnings.simplefilter("ignore", DeprecationWarning)
            from weasyprint import HTML
    except Exception as exc:  # ImportError or missing system libraries (pango)
        raise ReportError(f"PDF needs WeasyPrint, which could not be loaded ({exc}). Install it with "
                          "`python -m pip install weasyprint` (see https://doc.courtbouillon.org/weasyprint/); "
                          "the HTML report was written") from exc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        HTML(string=html_text, encoding="utf-8", base_url=str(path.parent)).write_pdf(str(path))
    return path


def output_path(ev: Evidence, *, lang: str, out: str | os.PathLike) -> Path:
    """The HTML file ``render`` writes (the PDF sits beside it):
    ``evidence_report_<program>_FY<years>[_<states>]_<data>_<lang>.html``."""
    req = ev.request
    program = req.program_label.replace("-", "").replace(",", "+")
    states = "_" + req.states_label.replace(",", "+") if req.states else ""
    stem = f"evidence_report_{program}_FY{req.years_label.replace(',', '+')}{states}_{req.source}_{lang}"
    return Path(out) / f"{stem}.html"


def render(ev: Evidence, *, lang: str, fmt: str = "both", out: str | os.PathLike = "reports/out",
           paper_size: str | None = None) -> list[Path]:
    """Write the report in ``lang``; return the paths written (HTML first).

    Parameters
    ----------
    ev : the ``Evidence`` from ``toolkit.evidence.build``.
    lang : "en" or "es".
    fmt : "html", "pdf" or "both".
    out : output folder (created).
    paper_size : "letter" or "a4" for the PDF (default ``paper.default_paper(lang)``: Letter).

    Raises
    ------
    ReportError
        WeasyPrint could not be loaded (the HTML is written and the message says how to install it).
    """
    i18n.check_lang(lang)
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {list(FORMATS)}, got {fmt!r}")
    if paper_size is not None:
        paper.check_paper(paper_size)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    html_path = output_path(ev, lang=lang, out=out)
    page = render_html(ev, lang, paper_size=paper_size)
    written = []
    if fmt in ("html", "both"):
        html_path.write_text(page, encoding="utf-8")
        written.append(html_path)
    if fmt in ("pdf", "both"):
        try:
            written.append(write_pdf(page, html_path.with_suffix(".pdf")))
        except ReportError:
            if fmt == "pdf":  # keep the HTML so the user has the report
                html_path.write_text(page, encoding="utf-8")
            raise
    return written
