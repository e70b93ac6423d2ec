"""toolkit.store under faults: SIGKILL at each write step, a real OS write error (RLIMIT_FSIZE),
parallel writers and readers, corrupt and missing partitions, hostile source files.

After each fault the store holds exactly the old or the new version (``read_cases`` returns one
of the two row sets, never a mix, never nothing), and ``verify`` is clean or ``repair`` makes it
clean. Child processes come from a ``forkserver`` that has imported pandas and the store once,
so each fork is cheap and free of the parent's threads. The kill points use the test hook
``store._step_hook`` (see toolkit/store.py), set only in the child.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import resource
import signal
from pathlib import Path

import pandas as pd
import pytest

from toolkit import dol, schema, store
from toolkit.cli.data import ingest_file
from toolkit.errors import DataValidationError, StoreError

CTX = mp.get_context("forkserver")
CTX.set_forkserver_preload(["pandas", "pyarrow.parquet", "toolkit.store", "test_store_faults"])

NAME = "H-2B_Disclosure_Data_FY2019.xlsx"
OLD, NEW = "a" * 64, "b" * 64


def cases(tag: str, n: int, years=(2019,), source: str = NAME) -> pd.DataFrame:
    """``n`` canonical cases per fiscal year, case numbers prefixed by ``tag``."""
    rows = [{"program": "H-2B", "fiscal_year": fy, "case_number": f"{tag}-{fy}-{i}", "case_status": "certified",
             "is_certified": True, "workers_certified": i % 7 + 1, "workers_requested": i % 7 + 2,
             "is_duplicate": False, "soc_code": "37-3011", "employer_name": f"{tag} Landscaping {i}",
             "decision_date": pd.Timestamp(f"{fy - 1}-11-01") + pd.Timedelta(days=i % 300),
             "source_file": source, "source_row": i + 2} for fy in years for i in range(n)]
    return schema.conform(pd.DataFrame(rows), schema.CASE_COLUMNS)


def stored(root) -> pd.DataFrame | None:
    try:
        got = store.read_cases(root=root)
    except StoreError as exc:
        assert "no cases in the store" in str(exc)
        return None
    return got.sort_values("case_number").reset_index(drop=True)


def same(got, expected) -> bool:
    if got is None or expected is None:
        return got is None and expected is None
    expected = expected.sort_values("case_number").reset_index(drop=True)
    try:
        pd.testing.assert_frame_equal(got, expected, check_like=False)
    except AssertionError:
        return False
    return True


# ------------------------------------------------------------------------------- child processes
def _write_child(root, sha, tag, n, years, replace, kill_at, queue):
    if kill_at is not None:
        def hook(step):
            if step == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
        store._step_hook = hook
    try:
        store.write_cases(cases(tag, n, years), source_sha256=sha, source_file=NAME, root=root, replace=replace)
        queue.put(("ok", tag))
    except Exception as exc:  # reported to the parent, which checks the message
        queue.put((type(exc).__name__, str(exc)))


def _fsize_child(root, limit, n, blob, queue):
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing us
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    df = cases("new", n)
    df.attrs["accounting"] = {"note": "x" * blob}  # a large manifest entry when blob is large
    try:
        store.write_cases(df, source_sha256=NEW, source_file=NAME, root=root, replace=True)
        queue.put(("ok", ""))
    except Exception as exc:
        queue.put((type(exc).__name__, str(exc)))


def _add_child(root, i, queue):
    name = f"H-2B_Disclosure_Data_FY{2010 + i}.xlsx"
    df = cases(f"p{i}", 20, years=(2010 + i,), source=name)
    store.write_cases(df, source_sha256=f"{i:x}" * 64, source_file=name, root=root)
    queue.put(("ok", i))


def _flip_child(root, times, queue):
    for k in range(times):
        tag, sha = ("new", NEW) if k % 2 == 0 else ("old", OLD)
        store.write_cases(cases(tag, 30 if tag == "new" else 10), source_sha256=sha, source_file=NAME, root=root,
                          replace=True)
    queue.put(("ok", times))


def run_child(target, *args, timeout=60):
    queue = CTX.Queue()
    proc = CTX.Process(target=target, args=(*args, queue))
    proc.start()
    proc.join(timeout)
    assert proc.exitcode is not None, "child process hung"
    result = queue.get(timeout=5) if proc.exitcode == 0 else None
    return proc.exitcode, result


# ------------------------------------------------------------------------------- kills
STEPS_BEFORE_COMMIT = ["before_partition", "file_written", "partition_written", "before_manifest"]
STEPS_AFTER_COMMIT = ["after_manifest", "after_cleanup"]


@pytest.mark.parametrize("step", STEPS_BEFORE_COMMIT + STEPS_AFTER_COMMIT)
def test_sigkill_during_a_replacement_leaves_the_old_or_the_new_version(tmp_path, step):
    old, new = cases("old", 10), cases("new", 30, years=(2019, 2020))
    store.write_cases(old, source_sha256=OLD, source_file=NAME, root=tmp_path)
    code, _ = run_child(_write_child, tmp_path, NEW, "new", 30, (2019, 2020), True, step)
    assert code == -signal.SIGKILL, f"the child should have been killed at {step}"
    expected = old if step in STEPS_BEFORE_COMMIT else new
    assert same(stored(tmp_path), expected), f"killed at {step}: the store must hold exactly the " \
        f"{'old' if expected is old else 'new'} version"
    problems = store.verify(tmp_path)
    assert {p["problem"] for p in problems} <= {"orphan"}, problems  # never missing, never unreadable
    if step in ("partition_written", "before_manifest", "after_manifest"):
        assert problems, f"killed at {step}: the files not (or no longer) listed are orphans"
    actions = store.repair(tmp_path)
    assert [a["file"] for a in actions] == [p["file"] for p in problems]
    assert store.verify(tmp_path) == [] and same(stored(tmp_path), expected)
    # the store works on: the interrupted ingest can simply be run again
    res = store.write_cases(new, source_sha256=NEW, source_file=NAME, root=tmp_path, replace=True)
    assert res["status"] == ("unchanged" if expected is new else "replaced")
    assert same(stored(tmp_path), new) and store.verify(tmp_path) == []


@pytest.mark.parametrize("step", ["file_written", "before_manifest", "after_manifest"])
def test_sigkill_during_a_first_ingest_leaves_nothing_or_everything(tmp_path, step):
    code, _ = run_child(_write_child, tmp_path, NEW, "new", 5, (2019,), False, step)
    assert code == -signal.SIGKILL
    assert same(stored(tmp_path), None if step != "after_manifest" else cases("new", 5))
    store.repair(tmp_path)
    assert store.verify(tmp_path) == []


# ------------------------------------------------------------------------------- a real OS write error
def test_a_full_disk_while_writing_a_partition_names_the_file_and_keeps_the_old_version(tmp_path):
    old = cases("old", 10)
    store.write_cases(old, source_sha256=OLD, source_file=NAME, root=tmp_path)
    limit = 16_384
    code, (kind, message) = run_child(_fsize_child, tmp_path, limit, 20_000, 0)
    assert code == 0 and kind == "StoreError", message
    assert f"{NEW}.parquet: cannot write" in message and "File too large" in message, message
    assert same(stored(tmp_path), old) and store.verify(tmp_path) == []  # no temporary file left


def test_a_full_disk_while_writing_the_manifest_names_it_and_keeps_the_old_version(tmp_path):
    old = cases("old", 10)
    store.write_cases(old, source_sha256=OLD, source_file=NAME, root=tmp_path)
    # a manifest larger than the file-size limit (a padding entry without files); partitions stay small
    entries = store.manifest(tmp_path)
    entries["f" * 64] = {"source_file": "padding", "kind": "cases", "rows": 0, "partitions": [], "files": [],
                         "note": "x" * 200_000}
    (tmp_path / store.MANIFEST).write_text(json.dumps(entries), encoding="utf-8")
    code, (kind, message) = run_child(_fsize_child, tmp_path, 65_536, 10, 0)
    assert code == 0 and kind == "StoreError", message
    assert "manifest.json: cannot write" in message, message
    assert same(stored(tmp_path), old)
    # the new partition was written before the failed commit: an orphan, which repair removes
    assert [p["problem"] for p in store.verify(tmp_path)] == ["orphan"]
    store.repair(tmp_path)
    assert store.verify(tmp_path) == [] and same(stored(tmp_path), old)


# ------------------------------------------------------------------------------- concurrency
def test_parallel_ingests_lose_no_manifest_entry(tmp_path):
    n = 4
    queue = CTX.Queue()
    procs = [CTX.Process(target=_add_child, args=(tmp_path, i, queue)) for i in range(n)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * n
    entries = store.manifest(tmp_path)
    assert len(entries) == n and sorted(e["source_file"] for e in entries.values()) == [
        f"H-2B_Disclosure_Data_FY{2010 + i}.xlsx" for i in range(n)]
    assert len(store.read_cases(root=tmp_path)) == 20 * n and store.verify(tmp_path) == []


def test_parallel_different_files_of_one_name_one_wins_the_others_are_refused(tmp_path):
    n = 4
    queue = CTX.Queue()
    procs = [CTX.Process(target=_write_child, args=(tmp_path, f"{i + 1:x}" * 64, f"v{i}", 5 + i, (2019,), False,
                                                    None, queue)) for i in range(n)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    results = [queue.get(timeout=5) for _ in range(n)]
    winners = [tag for kind, tag in results if kind == "ok"]
    refused = [msg for kind, msg in results if kind == "StoreError"]
    assert len(winners) == 1 and len(refused) == n - 1, results
    assert all("a different file with this name is already stored" in m for m in refused)
    i = int(winners[0][1:])
    assert same(stored(tmp_path), cases(f"v{i}", 5 + i)) and store.verify(tmp_path) == []


def test_readers_never_see_a_half_written_version(tmp_path):
    old, new = cases("old", 10), cases("new", 30)
    store.write_cases(old, source_sha256=OLD, source_file=NAME, root=tmp_path)
    queue = CTX.Queue()
    writer = CTX.Process(target=_flip_child, args=(tmp_path, 12, queue))
    writer.start()
    seen = set()
    while writer.is_alive():
        got = stored(tmp_path)
        assert same(got, old) or same(got, new), "a read saw neither the old nor the new version"
        seen.add(len(got))
    writer.join(60)
    assert writer.exitcode == 0 and seen <= {10, 30}
    assert same(stored(tmp_path), old) and store.verify(tmp_path) == []  # 12 flips end on the old version


# ------------------------------------------------------------------------------- damaged partitions
def test_a_corrupt_partition_is_a_store_error_naming_the_file_and_repair_drops_it(tmp_path):
    store.write_cases(cases("old", 10), source_sha256=OLD, source_file=NAME, root=tmp_path)
    keep = cases("keep", 4, years=(2018,), source="H-2B_FY2018.xlsx")
    store.write_cases(keep, source_sha256="c" * 64, source_file="H-2B_FY2018.xlsx", root=tmp_path)
    part = tmp_path / store.manifest(tmp_path)[OLD]["files"][0]
    part.write_bytes(part.read_bytes()[:100] + b"garbage" * 50)
    with pytest.raises(StoreError, match=rf"{part.name}: cannot read this stored partition.*verify --repair"):
        store.read_cases(root=tmp_path)
    with pytest.raises(StoreError, match=part.name):
        store.summary(tmp_path)
    problems = store.verify(tmp_path)
    assert [(p["problem"], p["source_file"]) for p in problems] == [("checksum", NAME)]
    actions = store.repair(tmp_path)  # no raw copy: the entry is dropped, nothing half-kept
    assert actions[0]["action"].startswith(f"lost: {NAME} (10 rows; H-2B 2019) dropped from the store")
    assert store.verify(tmp_path) == [] and same(stored(tmp_path), keep)


def test_missing_and_unreadable_partitions_are_ingested_again_from_the_raw_copy(tmp_path):
    from test_dol import ERA_HEADERS, ROWS, _write  # the era fixtures: a real, readable disclosure file

    raw = tmp_path / "raw"
    raw.mkdir()
    root = tmp_path / "store"
    src = _write(raw / "H-2B_Disclosure_Data_FY2015.xlsx", ERA_HEADERS["icert-2015"], ROWS["icert-2015"])
    ingest_file(src, root=root)
    before = stored(root)
    part = root / next(iter(store.manifest(root).values()))["files"][0]
    for damage in (lambda: part.unlink(), lambda: part.write_bytes(b"PAR1 not really")):
        damage()
        problems = store.verify(root)
        assert [p["problem"] for p in problems] in (["missing"], ["checksum"]) and problems[0]["file"] in str(part)
        actions = store.repair(root, raw_dir=raw, reader=dol.read_any)
        assert actions[0]["action"] == f"ingested again from {src}"
        assert store.verify(root) == [] and same(stored(root), before)


# ------------------------------------------------------------------------------- hostile source files
def test_hostile_files_fail_with_a_named_error_and_leave_the_store_as_it_was(tmp_path):
    from test_dol import ERA_HEADERS, ROWS, _write

    root = tmp_path / "store"
    good = _write(tmp_path / "H-2B_Disclosure_Data_FY2015.xlsx", ERA_HEADERS["icert-2015"], ROWS["icert-2015"])
    ingest_file(good, root=root)
    before = stored(root)
    huge = [r.copy() for r in ROWS["icert-2015"]]
    huge[0][8] = "99999999999999999999"
    (tmp_path / "other").mkdir()
    hostile = {
        _write(tmp_path / "H-2B_FY2015_huge.csv", ERA_HEADERS["icert-2015"], huge): (DataValidationError, "over 66,000"),
        # a different file under the stored name: refused, never a silent replacement
        _write(tmp_path / "other" / good.name, ERA_HEADERS["icert-2015"], ROWS["icert-2015"][:1]):
            (StoreError, "a different file with this name is already stored"),
    }
    for path, (error, message) in hostile.items():
        with pytest.raises(error, match=message) as info:
            ingest_file(path, root=root)
        assert path.name in str(info.value)
        assert same(stored(root), before) and store.verify(root) == []


# ------------------------------------------------------------------------------- integrity (issue 23)
def test_verify_finds_flipped_bytes_in_a_partition_that_still_reads(tmp_path):
    import pyarrow.parquet as pq

    store.write_cases(cases("old", 10), source_sha256=OLD, source_file=NAME, root=tmp_path)
    part = tmp_path / store.manifest(tmp_path)[OLD]["files"][0]
    rewritten = tmp_path / "x.parquet"  # the same table written uncompressed: values sit in the bytes as text
    pq.write_table(pq.read_table(part), rewritten, compression="none")
    data = rewritten.read_bytes().replace(b"37-3011", b"47-2152", 1)
    part.write_bytes(data)
    assert (pd.read_parquet(part)["soc_code"] == "47-2152").sum() >= 1  # readable, same rows: only bytes differ
    problems = store.verify(tmp_path)
    assert [(p["problem"], p["file"]) for p in problems] == [("checksum", part.relative_to(tmp_path).as_posix())]
    assert "manifest says" in problems[0]["detail"]


@pytest.mark.parametrize("listed", ["../../outside.txt", "ABSOLUTE", "cases/link/victim.txt", "cases/filelink.parquet"])
def test_repair_never_touches_a_path_outside_the_store(tmp_path, listed):
    root, outside = tmp_path / "store", tmp_path / "elsewhere"
    outside.mkdir()
    victim = outside / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "outside.txt").write_text("keep me too")
    store.write_cases(cases("old", 3), source_sha256=OLD, source_file=NAME, root=root)
    (root / "cases").mkdir(exist_ok=True)
    (root / "cases" / "link").symlink_to(outside, target_is_directory=True)
    (root / "cases" / "filelink.parquet").symlink_to(victim)
    entries = store.manifest(root)
    listed = str(victim) if listed == "ABSOLUTE" else listed
    entries[OLD]["files"].append(listed)
    (root / "manifest.json").write_text(json.dumps(entries))
    problems = store.verify(root)
    assert ("outside", listed) in [(p["problem"], p["file"]) for p in problems]
    assert len(store.read_cases(root=root)) == 3  # readers never open the outside path either
    store.repair(root)
    assert victim.read_text() == "keep me" and (tmp_path / "outside.txt").read_text() == "keep me too"
    assert not (root / "cases" / "link").exists() and not (root / "cases" / "filelink.parquet").is_symlink()
    assert store.verify(root) == []


def test_a_lost_manifest_is_rebuilt_from_the_partitions(tmp_path):
    store.write_cases(cases("old", 5, years=(2018, 2019)), source_sha256=OLD, source_file=NAME, root=tmp_path)
    before = stored(tmp_path)
    (tmp_path / "manifest.json").unlink()
    problems = store.verify(tmp_path)
    assert [p["problem"] for p in problems] == ["manifest missing"]
    actions = store.repair(tmp_path)
    assert actions[0]["action"].startswith("rebuilt the manifest from the partitions of 1 sources")
    assert store.verify(tmp_path) == [] and same(stored(tmp_path), before)
    entry = store.manifest(tmp_path)[OLD]
    assert (entry["source_file"], sorted(entry["partitions"]), entry["rows"]) == (NAME, ["H-2B 2018", "H-2B 2019"], 10)


def test_repair_ingests_again_from_the_recorded_source_and_otherwise_names_what_is_lost(tmp_path):
    from test_dol import ERA_HEADERS, ROWS, _write

    src = _write(tmp_path / "H-2B_Disclosure_Data_FY2015.xlsx", ERA_HEADERS["icert-2015"], ROWS["icert-2015"])
    root = tmp_path / "store"
    ingest_file(src, root=root)
    before = stored(root)
    part = root / next(iter(store.manifest(root).values()))["files"][0]
    part.unlink()
    actions = store.repair(root, reader=dol.read_any)  # no raw dir: the path it was ingested from
    assert actions[0]["action"] == f"ingested again from {src.resolve()}"
    assert store.verify(root) == [] and same(stored(root), before)
    part.unlink()
    src.unlink()
    actions = store.repair(root, raw_dir=tmp_path / "raw", reader=dol.read_any)
    assert actions[0]["action"] == (
        f"lost: H-2B_Disclosure_Data_FY2015.xlsx (2 rows; H-2B 2015) dropped from the store ({src.resolve()} not "
        f"found; {tmp_path / 'raw' / src.name} not found); ingest the file again to restore it")
    assert store.verify(root) == [] and store.manifest(root) == {}
