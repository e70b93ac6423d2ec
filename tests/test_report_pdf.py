"""The printed report: no number split across lines ("35,19 / 0" reads as 35.19 in Spanish), no
header hyphenated letter by letter. The PDF is read back with pypdf and every number the tables
print must be found whole in its text."""
from __future__ import annotations

import re

import pytest

from toolkit import dataset, evidence, present, report

pypdf = pytest.importorskip("pypdf")

#: A word hyphenated at a line end ("Cer-\ntificados"): CSS ``hyphens: manual`` forbids it.
HYPHENATED = re.compile(r"[a-záéíóúñ]-\n[a-záéíóúñ]")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def _flat(text: str) -> str:
    return _SPACES.sub(" ", text)


def split_numbers(numbers: list[str], pdf_text: str) -> list[str]:
    """The numbers (as printed in the tables) not found whole in the PDF's text, where a line
    break inside a number would leave them cut ("35,19" + "0")."""
    lines = pdf_text.splitlines()
    whole = "\n".join(_flat(line) for line in lines)
    return [n for n in numbers if _flat(n) not in whole]


def test_the_split_check_can_fail():
    assert split_numbers(["35,190"], "Puestos 35,19\n0 certificados") == ["35,190"]
    assert split_numbers(["35,190", "2015"], "Puestos 35,190\n2015") == []
    assert HYPHENATED.search("Puestos cer-\ntificados")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_pdf_tables_never_split_a_number_nor_hyphenate_a_header(tmp_path, lang):
    request = dataset.Request.build(data="synthetic", program="H-2B", fy="2019-2020", lang=lang, n_bootstrap=20)
    ev = evidence.build(dataset.load(request), commit="abc")
    try:
        paths = report.render(ev, lang=lang, fmt="pdf", out=tmp_path)
    except Exception as exc:  # WeasyPrint cannot be loaded on this machine
        pytest.skip(f"no PDF: {exc}")
    text = "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(str(paths[-1])).pages)
    numbers = []
    for table in present.view(ev, lang)["tables"]:
        frame = table["frame"]
        for col, numeric in zip(frame.columns, present.numeric_columns(frame)):
            if numeric:
                numbers += [v for v in frame[col].astype(str) if re.search(r"\d{2}", v)]
    assert len(numbers) > 50 and any(re.search(r"\d[.,\u00a0\u202f ]\d{3}", n) for n in numbers), \
        "the tables print large numbers"
    missing = split_numbers(sorted(set(numbers)), text)
    assert not missing, f"numbers split across lines in the {lang} PDF: {missing[:8]}"
    hyphenated = HYPHENATED.findall(text)
    assert not hyphenated, f"words hyphenated at a line end in the {lang} PDF: {hyphenated[:5]}"
