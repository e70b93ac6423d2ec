"""Speed of toolkit.language's rules (issue 15) against the rules before it, in the same run.

    .venv/bin/python benchmarks/bench_language.py

1. detect_sex_preference on 207,000 job-order texts (the synthetic job orders, title + requirements,
   repeated as in a 207,000-case ``analyze`` run: repeated texts are what real DOL files hold too).
2. The same on 20,000 distinct recruitment posts (the development set with a serial number appended,
   so nothing repeats and every text names a sex: the worst case).
3. sex_coded_requirements on the same 20,000 posts.
The baseline is ``toolkit/language.py`` of commit 2467758 (before issue 15), read with ``git show``;
without git the baseline rows are skipped. Target of issue 15: >= 20,000 texts per second.

One run on the 2-core machine, 2026-12-01 (tracemalloc on, which slows both sides): job-order texts
1,581/s before, 71,459/s now (45x: most job orders name no sex and skip the rules, and repeated texts
are cached); distinct posts that all name a sex 2,861/s before, 908/s now (about 2,400/s without
tracemalloc): the worst case misses the target, as every such text runs about 90 patterns.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import measure, row  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BASELINE_COMMIT = "2467758"


def _baseline(commit: str = BASELINE_COMMIT, file: str = "toolkit/language.py"):
    """``file`` (default ``toolkit/language.py``) of ``commit`` as a module (None without git)."""
    try:
        src = subprocess.run(["git", "show", f"{commit}:{file}"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    stem = Path(file).stem
    path = Path(tempfile.mkdtemp()) / f"{stem}_at_{commit}.py"
    path.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"{stem}_at_{commit}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def main() -> int:
    from toolkit import language, preference, synth

    cases = synth.generate(seed=3).cases
    orders = (cases["job_title"].astype("string").fillna("") + " " +
              cases["requirements_text"].astype("string").fillna("")).tolist()
    orders = (orders * (207_000 // len(orders) + 1))[:207_000]
    posts = [f"{t} #{i}" for i, t in enumerate((language.load_dev_set()["text"].tolist() * 30)[:20_000])]
    old = _baseline()
    print(f"{'':<58} {'time':>11} {'peak':>13} {'speed-up':>9}")
    for name, texts in (("207,000 job-order texts", orders), ("20,000 distinct recruitment posts", posts)):
        base = None
        if old is not None:
            _, base, peak = measure(old.detect_sex_preference, texts)
            print(row(f"before issue 15: {name}", base, peak) + f"  {len(texts) / base:,.0f} texts/s")
        preference._REF_CACHE.clear()
        preference._features.cache_clear()
        _, sec, peak = measure(language.detect_sex_preference, texts)
        print(row(f"issue 15 rules: {name}", sec, peak, base) + f"  {len(texts) / sec:,.0f} texts/s")
    _, sec, peak = measure(language.sex_coded_requirements, posts)
    print(row("sex_coded_requirements: 20,000 posts", sec, peak) + f"  {len(posts) / sec:,.0f} texts/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
