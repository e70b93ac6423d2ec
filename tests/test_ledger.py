"""toolkit.ledger: publications from one worker file are audited together (issue 22)."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from toolkit import disclosure, ledger
from toolkit.errors import StoreError

SHA = "ab" * 32
STATES = {"GA": {2020: (20, 300), 2022: (30, 310)}, "NC": {2020: (15, 200), 2022: (40, 220)},
          "VT": {2020: (3, 12), 2022: (12, 30)}}


def _support() -> pd.DataFrame:
    return pd.DataFrame([{"program": "H-2A", "year": y, "state": s, "dim": "worksite_state", "value": s}
                         for s, by in STATES.items() for y in by])


def _states_publication(years: tuple[int, ...], k: int = 10) -> list[disclosure.Cell]:
    """The states table of a scope (``protect``ed like the toolkit's) with the scope's totals."""
    table = pd.DataFrame([{"worksite_state": s, "women": sum(by[y][0] for y in years),
                           "men": sum(by[y][1] for y in years)} for s, by in STATES.items()])
    table["total"] = table["women"] + table["men"]
    pt = disclosure.protect(table, "states", "worksite_state", k=k)
    totals = [disclosure.Cell(years, (), "_total", (), sex, int(table[col].sum()))
              for sex, col in (("F", "women"), ("M", "men"))]
    return pt.cells(years) + totals


def _record(cells, years, root, **kw):
    return ledger.check_and_record(SHA, cells, _support(), k=10, command="report", years=years, root=root,
                                   created="2026-12-07", **kw)


def test_a_year_list_beside_one_year_is_refused_naming_it(tmp_path):
    # FY2020 alone shows every state but Vermont and its complement; FY2020-2022 pooled shows them
    # all. Pooled minus 2020 would bound Vermont's 2020 women, so the second is refused
    first = _states_publication((2020, 2022))
    assert not any(c.count is None for c in first)
    _record(_states_publication((2020,)), (2020,), tmp_path)
    _record(_states_publication((2022,)), (2022,), tmp_path)
    with pytest.raises(disclosure.AuditError, match=r"earlier publication.*FY2020|FY2022"):
        _record(first, (2020, 2022), tmp_path)
    book = ledger.read(SHA, root=tmp_path)
    assert [p["scope"]["years"] for p in book["publications"]] == [[2020], [2022]]  # nothing recorded
    # a new release is recorded (earlier outputs must then be withdrawn)
    _record(first, (2020, 2022), tmp_path, new_release=True)
    book = ledger.read(SHA, root=tmp_path)
    assert book["release"] == 2 and book["publications"][-1]["release"] == 2


def test_the_earlier_suppression_pattern_is_reused_and_repeats_are_not_recorded(tmp_path):
    cells = _states_publication((2020,))
    _record(cells, (2020,), tmp_path)
    _record(cells, (2020,), tmp_path)  # the same publication in the other language
    ledger.check_and_record(SHA, cells, _support(), k=10, command="site", years=(2020,), root=tmp_path)
    pubs = ledger.read(SHA, root=tmp_path)["publications"]
    assert len(pubs) == 1 and pubs[0]["commands"] == ["report", "site"]
    assert ledger.forced(SHA, (2020,), root=tmp_path) == {"worksite_state": {"NC", "VT"}}
    assert ledger.forced(SHA, (2022,), root=tmp_path) == {}
    path = ledger.ledger_path(SHA, tmp_path)
    assert json.loads(path.read_text())["sha256"] == SHA and not list(path.parent.glob("*.part"))


def test_an_unreadable_ledger_stops_publication(tmp_path):
    path = ledger.ledger_path(SHA, tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(StoreError, match="publication ledger cannot be read"):
        ledger.read(SHA, root=tmp_path)
    with pytest.raises(ValueError, match="hexadecimal"):
        ledger.ledger_path("../etc/passwd", tmp_path)


def test_a_count_differencing_gives_is_held_to_the_rule(tmp_path, monkeypatch):
    # Georgia shows 20 women in FY2020 and 25 in FY2020-2022: its FY2022 women are 5, a count no
    # publication prints. Alone each publication passes; together the difference is a hidden count
    # narrowed to one value, so the second is refused (disclosure.implied_cells)
    monkeypatch.setitem(STATES, "GA", {2020: (20, 300), 2022: (5, 310)})
    monkeypatch.setitem(STATES, "VT", {2020: (30, 12), 2022: (40, 30)})
    pooled = _states_publication((2020, 2022))
    first = _states_publication((2020,))
    assert all(c.count is not None for c in pooled + first)  # nothing hidden in either
    assert disclosure.audit(pooled, _support(), k=10).empty
    _record(first, (2020,), tmp_path)
    with pytest.raises(disclosure.AuditError, match=r"FY2020") as err:
        _record(pooled, (2020, 2022), tmp_path)
    ga = err.value.failures[err.value.failures["values"] == ("GA",)]
    assert {(r.years, r.sex, r.low, r.high) for r in ga.itertuples()} >= {((2022,), "F", 5, 5)}
