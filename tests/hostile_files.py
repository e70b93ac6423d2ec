"""Small hostile spreadsheets built at test time (issue 23): minimal .xlsx packages whose sheet
holds a cell at Excel's last row or column, declares a dimension of a billion rows, or inflates a
thousandfold (a zip bomb). Written with ``zipfile`` only; nothing here is committed as a file."""
from __future__ import annotations

import zipfile
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             '<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                  'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _column(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _cell(ref: str, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def sheet_xml(rows: list[list], *, dimension: str | None = None) -> str:
    """A worksheet part with ``rows`` (row 1 first) as inline strings and numbers."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = "".join(f'<row r="{i}">' + "".join(_cell(f"{_column(j)}{i}", v) for j, v in enumerate(r, 1)) + "</row>"
                   for i, r in enumerate(rows, 1))
    return f"{_SHEET_HEAD}{dim}<sheetData>{body}</sheetData></worksheet>"


def write_xlsx(path: Path, sheet: str | bytes, *, sheet_name: str = "Sheet1") -> Path:
    """A minimal .xlsx whose one sheet (``sheet_name``) is the worksheet XML ``sheet``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK.format(sheet=sheet_name))
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def rows_xlsx(path: Path, rows: list[list], *, sheet_name: str = "Sheet1") -> Path:
    """A workbook of ``rows`` (header first): how tests write DOL-like fixtures quickly."""
    last = f"{_column(max(len(r) for r in rows))}{len(rows)}"
    return write_xlsx(path, sheet_xml(rows, dimension=f"A1:{last}"), sheet_name=sheet_name)


def far_cell_xlsx(path: Path, ref: str, *, dimension: str | None = None) -> Path:
    """A header row plus one cell at ``ref`` (e.g. "XFD1048576", "A1000000000")."""
    row = int("".join(ch for ch in ref if ch.isdigit()))
    body = (f'{_SHEET_HEAD}{f"<dimension ref={chr(34)}{dimension}{chr(34)}/>" if dimension else ""}<sheetData>'
            f'<row r="1">{_cell("A1", "CASE_NUMBER")}</row><row r="{row}">{_cell(ref, "x")}</row>'
            "</sheetData></worksheet>")
    return write_xlsx(path, body)


def zip_bomb_xlsx(path: Path, inflated_bytes: int) -> Path:
    """A workbook whose sheet inflates to about ``inflated_bytes`` (one cell of spaces); the file
    itself is about a thousandth of that."""
    head = f'{_SHEET_HEAD}<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve">'
    tail = "</t></is></c></row></sheetData></worksheet>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK.format(sheet="Sheet1"))
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head.encode())
            block = b" " * (1 << 22)
            for _ in range(inflated_bytes // len(block)):
                fh.write(block)
            fh.write(tail.encode())
    return path
