"""Page size of printed reports (``--paper letter|a4``) and tables that fit the page.

Default paper: US Letter for English and for Spanish. The reports go into petitions and complaints
filed in the United States (DOL, EEOC, courts, the USMCA labor mechanism) and to advocates and
workers in Mexico and Central America; the US and Mexico both use Letter ("carta") as the
ordinary office size (Mexico's public administration and courts print on carta), so a Spanish
report printed on either side of the border fits the paper in the tray. A4 is one option away.

``page_css(paper)`` returns the CSS that the PDF renderer appends to the report's style: the
``@page`` size and margins, the page counter, and print rules for wide tables: every table uses
the full text width with a smaller font and wrapping cells, and a table with many columns
(``table_class``) is set on a landscape page of the same paper (a WeasyPrint named page), so no
column is cut off at the right edge. On screens the tables still scroll sideways.

Examples
--------
>>> "size: letter;" in page_css("letter") and "size: A4;" in page_css("a4")
True
>>> default_paper("es")
'letter'
>>> table_class(9)
'evidence-table wide'
"""
from __future__ import annotations

from typing import Literal

from toolkit import i18n

__all__ = ["PAPERS", "Paper", "WIDE_COLUMNS", "SIZES_MM", "default_paper", "check_paper", "page_css", "table_class"]

PAPERS = ("letter", "a4")
Paper = Literal["letter", "a4"]
#: Width x height of each paper in millimetres (ISO 216; ANSI/ASME Y14.1 for Letter, 8.5 x 11 in).
SIZES_MM = {"letter": (215.9, 279.4), "a4": (210.0, 297.0)}
#: Tables with more columns than this are printed on a landscape page.
WIDE_COLUMNS = 7

_CSS_NAME = {"letter": "letter", "a4": "A4"}
_DEFAULT = {"en": "letter", "es": "letter"}


def check_paper(paper: str) -> str:
    """``paper`` itself when it is "letter" or "a4"; else ValueError naming the allowed values.

    >>> check_paper("a4")
    'a4'
    """
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {list(PAPERS)}, got {paper!r}")
    return paper


def default_paper(lang: str) -> str:
    """The paper a report in ``lang`` is printed on unless ``--paper`` says otherwise (see the
    module docstring for why Spanish is also Letter).

    >>> default_paper("en"), default_paper("es")
    ('letter', 'letter')
    """
    return _DEFAULT[i18n.check_lang(lang)]


def table_class(n_columns: int) -> str:
    """CSS classes of a report table with ``n_columns`` columns ("wide" above ``WIDE_COLUMNS``).

    >>> table_class(5), table_class(12)
    ('evidence-table', 'evidence-table wide')
    """
    if int(n_columns) < 1:
        raise ValueError(f"n_columns must be a positive number of columns, got {n_columns!r}")
    return "evidence-table wide" if n_columns > WIDE_COLUMNS else "evidence-table"


def page_css(paper: str, *, margins_mm: tuple[float, float, float] = (20, 14, 16)) -> str:
    """CSS for printing on ``paper``: page size, margins (top, sides, bottom in mm), page numbers,
    and tables that fit the page width (wide tables on a landscape page of the same paper).

    >>> page_css("a4").splitlines()[1][:36]
    '@page wide { size: A4 landscape; mar'
    """
    check_paper(paper)
    top, side, bottom = (float(m) for m in margins_mm)
    if not all(0 <= m <= 50 for m in (top, side, bottom)):
        raise ValueError(f"margins_mm must be between 0 and 50 mm, got {margins_mm!r}")
    size = _CSS_NAME[paper]
    counter = '@bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; }'
    return (
        f"@page {{ size: {size}; margin: {top:g}mm {side:g}mm {bottom:g}mm; {counter} }}\n"
        f"@page wide {{ size: {size} landscape; margin: {side:g}mm {top:g}mm; {counter} }}\n"
        "@media print {\n"
        "  .table-wrap { overflow: visible; }\n"
        "  table.evidence-table { width: 100%; font-size: 7.5pt; table-layout: auto; }\n"
        "  table.evidence-table th, table.evidence-table td { overflow-wrap: anywhere; hyphens: auto;\n"
        "    padding: 0.15rem 0.25rem; }\n"
        "  table.evidence-table thead { display: table-header-group; }\n"
        "  table.evidence-table tr { break-inside: avoid; }\n"
        "  .table-wrap.wide, table.evidence-table.wide { page: wide; }\n"
        "}\n")
