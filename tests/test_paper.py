"""Paper size of printed reports (toolkit.paper): page CSS, defaults, wide tables on the page."""
from __future__ import annotations

import doctest

import pandas as pd
import pytest

from toolkit import paper

POINTS_PER_MM = 72 / 25.4


def test_doctests():
    assert doctest.testmod(paper).failed == 0


def test_options_are_checked():
    with pytest.raises(ValueError, match=r"paper must be one of \['letter', 'a4'\], got 'legal'"):
        paper.page_css("legal")
    with pytest.raises(ValueError, match="lang must be one of"):
        paper.default_paper("fr")
    with pytest.raises(ValueError, match="margins_mm"):
        paper.page_css("a4", margins_mm=(20, 80, 16))
    assert paper.default_paper("en") == paper.default_paper("es") == "letter"
    assert paper.table_class(7) == "evidence-table" and paper.table_class(8).endswith("wide")


def _pdf(tmp_path, css, table):
    from pypdf import PdfReader
    from weasyprint import HTML

    html = (f"<html><head><style>{css}</style></head><body><p>Report</p>"
            f'<div class="table-wrap {"wide" if "wide" in paper.table_class(table.shape[1]) else ""}">'
            f'{table.to_html(index=False, classes=paper.table_class(table.shape[1]))}</div></body></html>')
    out = tmp_path / "t.pdf"
    HTML(string=html).write_pdf(str(out))
    return PdfReader(str(out))


@pytest.mark.parametrize("name", paper.PAPERS)
def test_pdf_pages_have_the_paper_size_and_wide_tables_turn_landscape(tmp_path, name):
    width, height = (x * POINTS_PER_MM for x in paper.SIZES_MM[name])
    narrow = pd.DataFrame({"a": [1], "b": [2]})
    pages = _pdf(tmp_path, paper.page_css(name), narrow).pages
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages} == \
        {(round(width), round(height))}
    wide = pd.DataFrame({f"column {i} with a long header": ["a rather long cell value " * 2] for i in range(12)})
    pages = _pdf(tmp_path, paper.page_css(name), wide).pages
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages]
    assert sizes[0] == (round(width), round(height)) and (round(height), round(width)) in sizes[1:], \
        "the wide table sits on a landscape page of the same paper"
    text = "".join(p.extract_text() for p in pages)
    assert "column 11" in text.replace("\n", " "), "the last column is printed, not cut off"


def test_report_pdf_uses_the_paper_asked_for(tmp_path):
    from pypdf import PdfReader

    from toolkit import dataset, evidence, report

    ev = evidence.build(dataset.load(dataset.Request.build(data="synthetic", program="H-2B", n_bootstrap=20)))
    html = report.render_html(ev, "es")
    assert "size: letter;" in html and "size: A4" not in html, "Spanish default is Letter"
    assert "size: A4;" in report.render_html(ev, "en", paper_size="a4")
    with pytest.raises(ValueError, match=r"paper must be one of \['letter', 'a4'\]"):
        report.render(ev, lang="en", fmt="html", out=tmp_path, paper_size="legal")
    pdf = report.render(ev, lang="en", fmt="pdf", out=tmp_path, paper_size="a4")[0]
    first = PdfReader(str(pdf)).pages[0].mediabox
    assert (round(float(first.width)), round(float(first.height))) == (595, 842)
