"""Render time of the default evidence report (synthetic data, EN and ES, HTML and PDF), against
executing the same template without conversion (the share of time the notebook itself takes).

    .venv/bin/python benchmarks/bench_report.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import measure, row  # noqa: E402


def main() -> int:
    from toolkit import report

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        _, t_exec, m_exec = measure(report._execute, {"program": "all", "fiscal_year": 2019, "state": None, "lang": "en",
                                                       "data": "synthetic", "k": 10, "seed": 2019, "data_dir": None,
                                                       "workers_path": None, "mapping_path": None},
                                    out / "exec_only.ipynb")
        times = {}
        for lang in ("en", "es"):
            _, t, m = measure(report.render, program="all", fiscal_year=2019, lang=lang, fmt="both", out=out)
            times[lang] = (t, m)
    print(f"{'step':<58} {'time':>11} {'peak mem':>13} {'ratio':>9}")
    print(row("execute the template only (papermill)", t_exec, m_exec))
    for lang, (t, m) in times.items():
        print(row(f"full render {lang.upper()} (execute + HTML + PDF)", t, m, t_exec))
    print("ratio = template-only time / full render time (conversion overhead); peak memory is this process's "
          "(the notebook kernel runs in its own process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
