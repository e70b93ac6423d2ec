"""Worker files (issue 23): the encoding is decided once per file on reported evidence; a UTF-8 file
with one cp1252 row stays UTF-8 and that row is rejected by reason with its row number; UTF-16 with
a byte-order mark is read; a blank row is not a worker record."""
from __future__ import annotations

import pytest

from toolkit import rawio, workers

HEADER = "Sexo,Seleccionado,Estado de origen\n"


def _survey(n: int = 120) -> str:
    return HEADER + "".join(f"{'Mujer' if i % 3 else 'Hombre'},{'Sí' if i % 2 else 'No'},Michoacán\n"
                            for i in range(n))


def test_one_cp1252_row_does_not_turn_a_utf8_file_into_cp1252(tmp_path):
    path = tmp_path / "encuesta.csv"
    bad_row = "Mujer,Sí,Nuevo León\n".encode("cp1252")  # b"S\xed", b"Le\xf3n": not UTF-8
    path.write_bytes(_survey().encode("utf-8") + bad_row)
    rec = workers.read_worker_records(path, {"columns": {"sex": "Sexo", "selected": "Seleccionado",
                                                         "origin_state": "Estado de origen"}})
    acc = rec.accounting
    assert acc.encoding == "utf-8" and "2 bytes that are not UTF-8" in acc.encoding_evidence
    assert acc.rows_read == 121 and acc.rows_kept == 120 and acc.rows_rejected == {"undecodable_bytes": 1}
    assert rec.rejected.to_dict("records") == [{"source_row": 122, "reason": "undecodable_bytes"}]
    assert rec.table["selected"].notna().all() and (rec.table["origin_state"] == "16").all()  # Sí, Michoacán read


def test_a_cp1252_file_is_cp1252_and_says_why(tmp_path):
    path = tmp_path / "encuesta.csv"
    path.write_bytes(_survey(10).encode("cp1252"))
    rec = workers.read_worker_records(path, {"columns": {"sex": "Sexo", "selected": "Seleccionado"}})
    assert rec.accounting.encoding == "cp1252" and "0 well-formed UTF-8 sequences" in rec.accounting.encoding_evidence
    assert rec.accounting.rows_kept == 10 and rec.table["selected"].notna().all()


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_a_file_with_a_byte_order_mark_is_read_with_its_column_names(tmp_path, codec):
    path = tmp_path / "encuesta.csv"
    data = _survey(5).encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    df, meta = rawio.read_table(path)
    assert list(df.columns) == ["Sexo", "Seleccionado", "Estado de origen"]
    assert meta["encoding_evidence"].startswith("byte-order mark") and len(df) == 5
    rec = workers.read_worker_records(path, {"columns": {"sex": "Sexo"}})
    assert rec.accounting.rows_kept == 5 and set(rec.table["sex"]) == {"F", "M"}


def test_a_blank_row_is_not_a_worker_record(tmp_path):
    path = tmp_path / "encuesta.csv"
    path.write_text(HEADER + "Mujer,Sí,Jalisco\n,,\n ,  ,\nHombre,No,Jalisco\n", encoding="utf-8")
    rec = workers.read_worker_records(path, {"columns": {"sex": "Sexo"}})
    assert rec.accounting.rows_read == 4 and rec.accounting.rows_kept == 2
    assert rec.accounting.rows_rejected == {"blank_row": 2}
    assert rec.rejected["source_row"].tolist() == [3, 4]
    assert rec.accounting.identical_rows_kept == 0


def test_decide_encoding_weighs_the_evidence():
    utf8 = ("Peña " * 50).encode()
    assert rawio.decide_encoding(utf8)[0] == "utf-8"
    assert rawio.decide_encoding(utf8 + b"Pe\xf1a")[:3:2] == ("utf-8", True)
    assert rawio.decide_encoding(("Peña " * 50).encode("cp1252") + "ñ".encode())[0] == "cp1252"
    assert rawio.decide_encoding(b"\x81\x8d" + "ñ".encode("cp1252"))[0] == "latin-1"
