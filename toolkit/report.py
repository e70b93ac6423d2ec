"""Render the evidence report: papermill template -> executed notebook -> HTML -> PDF.

``render(...)`` executes ``reports/templates/evidence_report.ipynb`` with papermill (kernel
``python3``), converts it to one self-contained HTML file with nbconvert (basic template, inputs
hidden, figures embedded as PNG), wraps it in a phone-friendly page with the synthetic banner,
and prints it to PDF with WeasyPrint (installed from PyPI; renders offline). If WeasyPrint cannot
be imported, the HTML is still written and the error says how to install it.

The template is thin: each cell calls one ``show_*`` function below on the ``Evidence`` built by
``toolkit.evidence``.
"""
from __future__ import annotations

import base64
import html
import io
import os
import tempfile
from pathlib import Path

import pandas as pd

from toolkit import i18n
from toolkit.errors import ReportError

__all__ = ["render", "output_path", "write_pdf", "template_path", "evidence_for", "show_header", "show_findings", "show_figures",
           "show_tables", "show_methods", "show_provenance", "workers_line", "CSS"]

FORMATS = ("html", "pdf", "both")


def template_path() -> Path:
    """``reports/templates/evidence_report.ipynb`` ($H2GENDER_TEMPLATES, else the source checkout or
    the installed copy, see ``config.resource_dir``)."""
    from toolkit.config import resource_dir

    default = resource_dir("reports/templates") or Path(__file__).resolve().parents[1] / "reports" / "templates"
    base = Path(os.environ.get("H2GENDER_TEMPLATES", default))
    path = base / "evidence_report.ipynb"
    if not path.exists():
        raise ReportError(f"report template not found at {path}; set H2GENDER_TEMPLATES to reports/templates")
    return path


# ------------------------------------------------------------------------------------------------
# called from the template notebook
def evidence_for(program: str, fiscal_year: int, state: str | None, lang: str, data: str, k: int, seed: int,
                 workers_path: str | None = None, mapping_path: str | None = None):
    from toolkit import evidence

    import matplotlib.pyplot as plt

    cases, workers, files = evidence.load_data(data, program, fiscal_year, state=state, seed=seed,
                                               workers_path=workers_path, mapping=mapping_path)
    ev = evidence.build_evidence(cases, workers, program=program, fiscal_year=fiscal_year, state=state,
                                 lang=lang, k=k, seed=seed, data=data, files=files)
    # figures become embedded PNGs now, so the inline backend does not also show them here
    ev.figures = {name: _png(fig) for name, fig in ev.figures.items()}
    plt.close("all")
    return ev


def _display_html(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


def _e(text: object) -> str:
    return html.escape(str(text))


def show_header(ev) -> None:
    lang, p = ev.params["lang"], ev.params
    program = i18n.t("all_programs", lang) if p["program"] == "all" else p["program"]
    data = i18n.t("data_synthetic", lang, seed=p["seed"]) if ev.synthetic else i18n.t("data_store", lang)
    parts = [f'<h1 class="title">{_e(i18n.t("report_title", lang, program=program))}</h1>',
             f'<p class="scope">{_e(i18n.t("scope", lang, program=program, fy=p["fiscal_year"], state=p["state"] or i18n.t("all_states", lang), data=data))}</p>']
    if ev.synthetic:
        parts.append(f'<p class="synthetic-note">{_e(i18n.t("synthetic_note", lang))}</p>')
    parts.append(f'<p class="suppression-note">{_e(i18n.t("suppression_note", lang, k=p["k"]))}</p>')
    _display_html("\n".join(parts))


def show_findings(ev) -> None:
    lang = ev.params["lang"]
    items = "".join(f'<li class="finding"><strong>{_e(f["title"].rstrip("."))}.</strong> {_e(f["text"])}</li>'
                    for f in ev.findings)
    _display_html(f'<h2>{_e(i18n.t("h_findings", lang))}</h2><ol class="findings">{items}</ol>')


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def show_figures(ev) -> None:
    lang = ev.params["lang"]
    imgs = "".join(f'<figure><img alt="{_e(ev.figure_titles.get(name, name))}" src="data:image/png;base64,'
                   f'{fig if isinstance(fig, str) else _png(fig)}"/></figure>' for name, fig in ev.figures.items())
    _display_html(f'<h2>{_e(i18n.t("h_figures", lang))}</h2>{imgs}')


def _table_html(df: pd.DataFrame) -> str:
    return df.to_html(index=False, escape=True, border=0, classes="evidence-table", na_rep="—")


def show_tables(ev) -> None:
    lang = ev.params["lang"]
    titles = {"occupations": "t_occupations", "states": "t_states", "employers": "t_employers",
              "recruiters": "t_recruiters"}
    parts = [f'<h2>{_e(i18n.t("h_tables", lang))}</h2>']
    for key, table in ev.tables.items():
        title = ev.table_titles.get(key) or i18n.t(titles[key], lang)
        parts.append(f'<h3>{_e(title)}</h3><div class="table-wrap">{_table_html(table)}</div>')
        if key in ev.table_notes:
            parts.append(f'<p class="note">{_e(ev.table_notes[key])}</p>')
    _display_html("\n".join(parts))


def show_methods(ev) -> None:
    import mistune

    lang = ev.params["lang"]
    _display_html(f'<h2>{_e(i18n.t("h_methods", lang))}</h2>' + mistune.html(i18n.t("methods", lang)))


def workers_line(accounting: dict, lang: str) -> str:
    """The worker-record accounting in words (rows read, used, rejected by reason, out of scope)."""
    rejected = accounting.get("rows_rejected", {})
    reasons = ", ".join(f"{why} {i18n.fmt_int(n, lang)}" for why, n in sorted(rejected.items())) or "—"
    return i18n.t("provenance_workers", lang, file=accounting["source_file"],
                  population=i18n.t(f"population_{accounting['population'].replace(' ', '_')}", lang),
                  read=i18n.fmt_int(accounting["rows_read"], lang), kept=i18n.fmt_int(accounting["rows_kept"], lang),
                  rejected=i18n.fmt_int(sum(rejected.values()), lang), reasons=reasons,
                  out=i18n.fmt_int(sum(accounting.get("rows_out_of_scope", {}).values()), lang))


def show_provenance(ev) -> None:
    lang, prov = ev.params["lang"], ev.provenance
    files = pd.DataFrame([{i18n.t("col_file", lang): f["file"], i18n.t("col_sha256", lang): f["sha256"],
                           i18n.t("col_role", lang): i18n.t(f["role"], lang)} for f in prov["files"]])
    params = ", ".join(f"{k}={'—' if v is None else v}" for k, v in prov["parameters"].items())
    _display_html(
        f'<h2>{_e(i18n.t("h_provenance", lang))}</h2><div class="provenance">'
        f'<p>{_e(i18n.t("provenance_version", lang, version=prov["version"], commit=prov["commit"]))} '
        f'{_e(i18n.t("provenance_rendered", lang, date=prov["rendered"]))}</p>'
        f'<p>{_e(i18n.t("provenance_parameters", lang, params=params))}</p>'
        + (f'<p>{_e(prov["planted"])}</p>' if prov.get("planted") else "")
        + (f'<p class="workers">{_e(workers_line(prov["workers"], lang))}</p>' if prov.get("workers") else "") +
        f'<p>{_e(i18n.t("provenance_command", lang))}</p><pre class="command">{_e(prov.get("command", ""))}</pre>'
        f'<h3>{_e(i18n.t("provenance_files", lang))}</h3><div class="table-wrap">{_table_html(files)}</div></div>')


# ------------------------------------------------------------------------------------------------
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
table.evidence-table th, table.evidence-table td { padding: 0.25rem 0.4rem; border-bottom: 1px solid #ddd;
  text-align: right; vertical-align: top; }
table.evidence-table th { background: #f3eef7; }
table.evidence-table td:first-child, table.evidence-table th:first-child { text-align: left; }
.provenance { font-size: 0.8rem; word-break: break-all; }
pre.command { white-space: pre-wrap; background: #f6f6f6; padding: 0.4rem 0.6rem; font-size: 0.8rem; }
@media (max-width: 600px) { body { font-size: 14px; } h1.title { font-size: 1.3rem; } }
@page { size: A4; margin: 20mm 14mm 16mm;
        @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; } }
@media print { .banner { position: static; } figure { break-inside: avoid; } table { break-inside: auto; } }
"""


def _page(fragment: str, *, lang: str, title: str, synthetic: bool) -> str:
    banner = f'<div class="banner">{_e(i18n.t("synthetic_banner", lang))}</div>' if synthetic else ""
    page_banner = (f'@page {{ @top-center {{ content: "{i18n.t("synthetic_banner", lang)}"; color: #b00020; '
                   'font-weight: bold; font-size: 9pt; }} }}') if synthetic else ""
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8"/>\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"/>\n<title>{_e(title)}</title>\n'
            f"<style>{CSS}\n{page_banner}</style>\n</head>\n<body>\n{banner}\n<main>\n{fragment}\n</main>\n</body>\n</html>\n")


def _execute(params: dict, out_nb: Path) -> None:
    import papermill as pm

    env_backend = os.environ.pop("MPLBACKEND", None)  # an Agg backend here would drop the figures
    try:
        pm.execute_notebook(str(template_path()), str(out_nb), parameters=params, kernel_name="python3",
                            progress_bar=False, log_output=False, cwd=str(out_nb.parent),
                            # the kernel's start-up log (a TCP notice) is noise for report users
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    except pm.PapermillExecutionError as exc:
        raise ReportError(f"the report template failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}") from exc
    finally:
        if env_backend is not None:
            os.environ["MPLBACKEND"] = env_backend


def _to_html(nb_path: Path) -> str:
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nbformat.read(nb_path, as_version=4))
    return body


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


def output_path(*, program: str, fiscal_year: int, state: str | None, data: str, lang: str,
                out: str | os.PathLike) -> Path:
    """The HTML file ``render`` writes (the PDF sits beside it)."""
    stem = f"evidence_report_{program.replace('-', '')}_FY{fiscal_year}{'_' + state if state else ''}_{data}_{lang}"
    return Path(out) / f"{stem}.html"


def render(*, program: str = "all", fiscal_year: int = 2019, state: str | None = None, lang: str = "en",
           fmt: str = "both", data: str = "synthetic", out: str | os.PathLike = "reports/out", k: int = 10,
           seed: int = 2019, workers_path: str | os.PathLike | None = None,
           mapping_path: str | os.PathLike | None = None) -> list[Path]:
    """Render one report (one language); return the paths written (HTML first).

    Steps: papermill executes the template with these parameters in the ``python3`` kernel (the
    Jupyter kernel of this environment), nbconvert's ``basic`` template turns the executed
    notebook into HTML with inputs and prompts hidden, the fragment is wrapped in a page with
    the CSS (phone-friendly, tables scroll sideways) and, for synthetic data, a banner at the top
    of the screen and of every printed page; WeasyPrint prints it to PDF (UTF-8).

    Parameters
    ----------
    program : "H-2A", "H-2B" or "all".
    fiscal_year : federal fiscal year (October-September).
    state : worksite state (USPS code) or None for all.
    lang : "en" or "es".
    fmt : "html", "pdf" or "both".
    data : "synthetic" (generated with ``seed``) or "store" (DOL files ingested in the store).
    out : output folder; files are named ``evidence_report_<program>_FY<year>[_<state>]_<data>_<lang>``.
    k : counts below k are suppressed everywhere.
    workers_path, mapping_path : worker records the user holds and their column mapping.

    Raises
    ------
    ReportError
        The template failed (the message names the cell and the error), or WeasyPrint could not
        be loaded (the HTML is written and the message says how to install it).
    """
    i18n.check_lang(lang)
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {list(FORMATS)}, got {fmt!r}")
    if k < 1:
        raise ValueError(f"k must be a positive integer, got {k}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    html_path = output_path(program=program, fiscal_year=fiscal_year, state=state, data=data, lang=lang, out=out)
    # the executed notebook holds the parameters, among them the local path of the user's worker
    # file: it is executed in a temporary folder and never kept beside the report
    tmp = tempfile.TemporaryDirectory(prefix="h2gender-report-")
    nb_path = Path(tmp.name) / html_path.with_suffix(".ipynb").name
    params = {"program": program, "fiscal_year": int(fiscal_year), "state": state, "lang": lang, "data": data,
              "k": int(k), "seed": int(seed), "data_dir": os.environ.get("H2GENDER_DATA_DIR"),
              "workers_path": str(Path(workers_path).resolve()) if workers_path else None,
              "mapping_path": str(Path(mapping_path).resolve()) if mapping_path else None}
    try:
        _execute(params, nb_path)
        fragment = _to_html(nb_path)
    finally:
        tmp.cleanup()
    program_name = i18n.t("all_programs", lang) if program == "all" else program
    synthetic = data == "synthetic"
    page = _page(fragment, lang=lang, title=i18n.t("report_title", lang, program=program_name), synthetic=synthetic)
    written = []
    html_path.write_text(page, encoding="utf-8")
    if fmt in ("html", "both"):
        written.append(html_path)
    if fmt in ("pdf", "both"):
        written.append(write_pdf(page, html_path.with_suffix(".pdf")))
    if fmt == "pdf":
        html_path.unlink()
    return written
