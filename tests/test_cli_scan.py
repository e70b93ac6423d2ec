"""``h2gender scan``: messy exports in, flagged texts and a summary out, nothing identifying written."""
from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.cli.scan import neutralise_cells, read_messages

MESSY_CSV = (  # semicolons (Spanish-locale Excel), a BOM, quoted newlines, formulas, phones and names
    "\ufefffecha;Página;mensaje;likes\n"
    "2024-03-01;Reclutas del Norte 956-555-0142;\"Ocupo 30 hombres pa la pizca 🌶️\nllamar a Juan Pérez 956 555 0199\";12\n"
    "2024-03-05;Reclutas del Norte 956-555-0142;Sexo: indistinto. Pago 15.81 la hora;3\n"
    "2024-03-09;=HYPERLINK(\"http://x\");\"=cmd|' /C calc'!A0 solo mujeres\";0\n"
    "2024-04-02;Agencia Sol;\"Requisitos: edad 20-45 años, levantar 50 lbs\";1\n"
    "2024-04-20;Agencia Sol;\"Madres solteras bienvenidas, escribir a sol@example.com\";4\n"
    "2024-04-21;Agencia Sol;;0\n"
)


def _invoke(*args):
    return CliRunner().invoke(main, ["scan", *map(str, args)], catch_exceptions=False)


@pytest.fixture()
def messy(tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text(MESSY_CSV, encoding="utf-8")
    return path


def test_scan_a_messy_csv_export(messy, tmp_path):
    out = tmp_path / "flagged.csv"
    r = _invoke(messy, "--text-col", "mensaje", "--recruiter-col", "Página", "--date-col", "fecha", "--out", out)
    assert r.exit_code == 0, r.output
    assert "es: 5 texts, 2 with a sex preference, 1 with a sex-coded requirement" in r.output
    assert "(empty): 1 texts, 0 with a sex preference" in r.output
    assert "limit: measured on" in r.output and "precision" in r.output and "recall" in r.output
    flagged = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(flagged["record"]) == ["1", "3", "4"]  # the welcome and "Sexo: indistinto" are not flagged
    assert list(flagged["preferred_sex"]) == ["M", "F", ""] and list(flagged["sex_coded"]) == ["False", "False", "True"]
    # the frame of the deciding reference (issue 26): a number of men is a quota, "solo" a limit
    assert list(flagged["rule"]) == ["quota", "only", ""] and flagged["reasons"].iloc[2] == "lifting;age_limit"
    # the match is the deciding word with up to 40 characters either side, redacted like the text
    assert flagged["match"].iloc[0] == "Ocupo 30 hombres pa la pizca 🌶️\nllamar a [name] 956"
    assert list(flagged["month"]) == ["2024-03", "2024-03", "2024-04"]
    summary = pd.read_csv(tmp_path / "flagged_summary.csv", dtype=str, keep_default_na=False)
    assert list(summary.columns) == ["recruiter", "month", "texts", "preferences", "prefers_women", "prefers_men",
                                     "sex_coded"]
    assert summary["texts"].astype(int).sum() == 6, "every record counted, the empty one too"
    assert summary.loc[summary["recruiter"] == "Agencia Sol", "sex_coded"].astype(int).sum() == 1


def test_nothing_identifying_or_executable_is_written(messy, tmp_path):
    out = tmp_path / "flagged.csv"
    assert _invoke(messy, "--recruiter-col", "Página", "--out", out).exit_code == 0
    written = out.read_text(encoding="utf-8") + (tmp_path / "flagged_summary.csv").read_text(encoding="utf-8")
    for secret in ("555", "Juan", "Pérez", "sol@example.com"):
        assert secret not in written, secret
    assert "[phone]" in written and "[name]" in written
    for table in (pd.read_csv(out, dtype=str, keep_default_na=False),
                  pd.read_csv(tmp_path / "flagged_summary.csv", dtype=str, keep_default_na=False)):
        cells = [*table.columns, *table.to_numpy().ravel()]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], "formula cells must be neutralised"
    assert "'=HYPERLINK" in written and "'=cmd" in written


def test_neutralise_cells():
    df = pd.DataFrame({"a": ["=1+1", "+x", "-2", "@SUM(A1)", "\tx", "\rx", "ok", None], "=b": [1] * 8})
    out = neutralise_cells(df)
    assert list(out["a"])[:7] == ["'=1+1", "'+x", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "ok"] and out["a"].iloc[7] is None
    assert list(out.columns) == ["a", "'=b"] and list(out["'=b"]) == [1] * 8


def test_missing_text_column_is_a_clear_one_line_error(messy):
    r = subprocess.run([sys.executable, "-m", "toolkit", "scan", str(messy), "--text-col", "body"],
                       capture_output=True, text=True, cwd=messy.parent)
    assert r.returncode == 1
    assert "posts.csv: no column 'body' (--text-col); columns are ['fecha', 'Página', 'mensaje', 'likes']" in r.stderr
    assert "Traceback" not in r.stderr
    bare = messy.parent / "bare.csv"
    bare.write_text("fecha,autor\n2024-01-01,x\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "toolkit", "scan", str(bare)], capture_output=True, text=True,
                       cwd=messy.parent)
    assert r.returncode == 1 and "bare.csv: no text column; looked for text, message, mensaje" in r.stderr
    assert "name it with --text-col" in r.stderr


def test_missing_optional_column_and_bad_out(messy, tmp_path):
    with pytest.raises(Exception, match=r"no column 'lugar' \(--place-col\)"):
        _invoke(messy, "--place-col", "lugar", "--out", tmp_path / "x.csv")
    r = CliRunner().invoke(main, ["scan", str(messy), "--out", str(tmp_path / "x.xlsx")])
    assert r.exit_code == 2 and "--out must end in .csv or .json" in r.output


def test_txt_one_per_line_or_blank_line_blocks(tmp_path):
    lines = tmp_path / "chat.txt"
    lines.write_text("Solo hombres pa la pizca\nSexo: indistinto\nWomen need not apply\n", encoding="utf-8")
    got = read_messages(lines)
    assert list(got["text"]) == ["Solo hombres pa la pizca", "Sexo: indistinto", "Women need not apply"]
    blocks = tmp_path / "posts.txt"
    blocks.write_text("Requisitos:\n- Ser hombre\n- 20 a 45 años\n\n\nMadres solteras\nbienvenidas\n", encoding="utf-8")
    got = read_messages(blocks)
    assert list(got["text"]) == ["Requisitos:\n- Ser hombre\n- 20 a 45 años", "Madres solteras\nbienvenidas"]
    out = tmp_path / "f.json"
    r = _invoke(blocks, "--out", out)
    assert r.exit_code == 0, r.output
    records = json.loads(out.read_text(encoding="utf-8"))
    assert len(records) == 1 and records[0]["preferred_sex"] == "M" and records[0]["sex_coded"] is True
    assert records[0]["record"] == 1 and records[0]["source"] == "posts.txt"


def test_json_strings_objects_and_wrapped_lists(tmp_path):
    strings = tmp_path / "a.json"
    strings.write_text(json.dumps(["Ladies only, hotel housekeeping", "Hiring farmworkers"]), encoding="utf-8")
    assert list(read_messages(strings)["text"]) == ["Ladies only, hotel housekeeping", "Hiring farmworkers"]
    objects = tmp_path / "b.json"
    objects.write_text(json.dumps({"messages": [{"body": "Mujeres abstenerse", "from": "x"}, {"body": "Hola"}]}),
                       encoding="utf-8")
    got = read_messages(objects)
    assert list(got["text"]) == ["Mujeres abstenerse", "Hola"]
    bad = tmp_path / "c.json"
    bad.write_text(json.dumps(["ok", 3]), encoding="utf-8")
    with pytest.raises(Exception, match="c.json: JSON list item 2 is a int"):
        read_messages(bad)
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(Exception, match="c.json: not valid JSON"):
        read_messages(bad)
    with pytest.raises(Exception, match=r"unknown file type \.pdf"):
        read_messages(tmp_path / "x.pdf")


def test_xlsx_export(tmp_path):
    path = tmp_path / "posts.xlsx"
    pd.DataFrame({"Post": ["SOLO VARONES, salida el lunes", "Se buscan trabajadores"], "Lugar": ["GA", "NC"]}).to_excel(
        path, index=False)
    out = tmp_path / "out.csv"
    r = _invoke(path, "--text-col", "Post", "--place-col", "Lugar", "--lang", "es", "--out", out)
    assert r.exit_code == 0, r.output
    flagged = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(flagged["place"]) == ["GA"] and list(flagged["lang"]) == ["es"]
    summary = pd.read_csv(tmp_path / "out_summary.csv")
    assert list(summary["place"]) == ["GA", "NC"] and list(summary["preferences"]) == [1, 0]


def test_one_column_and_tab_separated_tables(tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("text\nSolo hombres\nHola\n", encoding="utf-8")  # no delimiter to sniff: not split on a letter
    assert list(read_messages(one)["text"]) == ["Solo hombres", "Hola"]
    tabs = tmp_path / "posts.tsv"
    tabs.write_text("id\tmessage\n1\tDamas abstenerse\n2\tSe buscan trabajadores\n", encoding="cp1252")
    assert list(read_messages(tabs)["text"]) == ["Damas abstenerse", "Se buscan trabajadores"]
