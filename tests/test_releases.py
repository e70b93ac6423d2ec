"""The one release rule (toolkit.releases): names, ranks, months, and the file chooser."""
from __future__ import annotations

import pytest

from toolkit import catalog, releases


@pytest.mark.parametrize("name, release", [
    ("H-2A_Disclosure_Data_FY2022_Q1.xlsx", "Q1"), ("H-2B_FY14_Q4.xlsx", "Q4"), ("h2b_fy2021_q3.xlsx", "Q3"),
    ("H-2B_Disclosure_Data_FY2018_EOY.xlsx", "full year"), ("H2A_FY2013.xls", "full year"),
    ("H-2A_FY2020_Q10.xlsx", "full year"),  # not a quarter
])
def test_release_from_name(name, release):
    assert releases.release_from_name(name) == release


def test_rank_orders_releases_and_rejects_unknown_names():
    assert [releases.rank(r) for r in releases.RELEASES] == [0, 1, 2, 3, 4]
    assert releases.is_partial("Q3") and not releases.is_partial("Q4") and not releases.is_partial("full year")
    assert releases.months("Q2") == ("October", "March")
    with pytest.raises(ValueError, match=r"release must be one of .*'Q5'"):
        releases.rank("Q5")


def test_catalog_and_store_share_the_rule():
    # catalog.most_complete ranks by the entry's release, the store by the file name: same order
    q1 = {"kind": "dol-disclosure", "program": "H-2B", "fiscal_year": 2021, "release": "Q1"}
    q4 = {**q1, "release": "Q4"}
    year = {**q1, "release": "full year"}
    assert catalog.most_complete([year, q4, q1]) == [year] and catalog.most_complete([q1, q4]) == [q4]
    assert catalog.RELEASES is releases.RELEASES
