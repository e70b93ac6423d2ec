"""``h2gender report`` on worker files of 300k, 1M, 3M and 10M rows against a bare pyarrow read of the
same CSV, in one run: wall time and peak resident memory of each as a fresh process.

    .venv/bin/python benchmarks/bench_workers_scale.py [--rows 300000,1000000,3000000,10000000]
        [--file ../shared/data/dol/H-2A_Disclosure_Data_FY2022_Q1.xlsx] [--no-store]

The worker files are generated deterministically (``survey``: seed 0) into a temporary folder in the
layout of a Spanish-language survey (``toolkit/data/example_worker_mapping.yaml``: Nombre and
Pasaporte identify each person, Sexo as Mujer/Hombre/F/M, state of origin by name, SOC codes with
and without the dash, wages with a dollar sign now and then, a few unreadable rows), H-2A FY2022,
and the report reads them against the store built from the shared H-2A FY2022 Q1 DOL file (one
ingest before the timings; ``--no-store`` uses the synthetic cases instead). Each process's peak
resident set size is read from ``resource.getrusage(RUSAGE_CHILDREN)`` of a one-shot runner, so it
counts the Python interpreter, pyarrow's buffers and everything else the process held. Every size
is run once (the 10M case is long); the report runs twice on the same file, the second time from
the Parquet cache of the parsed file (``workers.read_worker_records`` keys it by the file's sha256
and the mapping).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
MAPPING = ROOT / "toolkit" / "data" / "example_worker_mapping.yaml"
SOC = ["45-2092", "452092", "45-2091", "45-2093", "45-2041", "53-7064", "37-3011", "45-2099", "51-3022",
       "53-7062", "45-4011", "35-2021", "47-2061", "49-9071"]
SOC_WAGE = np.linspace(2.6, 2.9, len(SOC))
STATES = ["CA", "FL", "GA", "NC", "WA", "LA", "TX", "MI", "NY", "AZ", "KY", "ID", "OR", "VA", "SC", "TN",
          "AR", "MS", "CO", "NE"]
ORIGIN = ["Guanajuato", "Michoacán", "Veracruz", "Hidalgo", "San Luis Potosí", "Zacatecas", "Puebla",
          "Oaxaca", "Jalisco", "Estado de México", "Nayarit", "Durango", "Chiapas", "Guerrero", "Sinaloa"]
SEX = ["Hombre", "Mujer", "M", "F", "hombre", "MUJER", "¿?"]
SEX_P = [0.62, 0.2, 0.1, 0.05, 0.02, 0.009, 0.001]
STAGE = ["admitido", "admitido", "solicitante", "reclutado"]


def survey(rows: int, path: Path, *, seed: int = 0, chunk: int = 1_000_000) -> Path:
    """Write ``rows`` survey rows to ``path`` (CSV, UTF-8) in chunks; the same seed, the same file."""
    rng = np.random.default_rng(seed)
    employers = np.array([f"Granja {i:04d} LLC" for i in range(3000)])
    recruiters = np.array([f"Reclutadora {i:03d}" for i in range(300)])
    writer = None
    for start in range(0, rows, chunk):
        n = min(chunk, rows - start)
        soc = rng.integers(0, len(SOC), n)
        sex = rng.choice(len(SEX), n, p=SEX_P)
        woman = np.isin(sex, [1, 3, 5])
        wage = np.exp(SOC_WAGE[soc] - 0.08 * woman + rng.normal(0, 0.15, n))
        wage_text = np.char.mod("%.2f", wage).astype(object)
        dollars = rng.random(n) < 0.05
        wage_text[dollars] = "$" + wage_text[dollars]
        wage_text[rng.random(n) < 0.001] = "n/a"
        ident = np.arange(start, start + n)
        table = pa.table({
            "Nombre": np.char.add("Persona ", ident.astype(str)),
            "Pasaporte": np.char.add("G", ident.astype(str)),
            "Sexo": np.array(SEX)[sex],
            "Año": np.where(rng.random(n) < 0.0005, "22", "2022"),
            "Nacionalidad": np.full(n, "MEX"),
            "Estado de origen": np.array(ORIGIN)[rng.integers(0, len(ORIGIN), n)],
            "Edad": np.array(["18-24", "25-34", "35-44", "45+"])[rng.integers(0, 4, n)],
            "Código SOC": np.array(SOC)[soc],
            "Empleador": employers[rng.zipf(1.6, n) % len(employers)],
            "Estado de trabajo": np.array(STATES)[rng.integers(0, len(STATES), n)],
            "Reclutador": recruiters[rng.integers(0, len(recruiters), n)],
            "Etapa": np.array(STAGE)[rng.integers(0, len(STAGE), n)],
            "Seleccionado": np.where(rng.random(n) < 0.8, "sí", "no"),
            "Salario por hora": wage_text.astype(str),
        })
        if writer is None:
            writer = pacsv.CSVWriter(str(path), table.schema)
        writer.write_table(table)
    writer.close()
    return path


_RUNNER = """
import resource, subprocess, sys, time, json
start = time.perf_counter()
r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mib": peak, "rc": r.returncode, "stderr": r.stderr[-3000:]}))
"""

_BARE = "import sys, pyarrow.csv as c; t = c.read_csv(sys.argv[1]); print(t.num_rows)"


def run(args: list[str], env: dict) -> dict:
    """Seconds and peak RSS (MiB) of ``args`` as a fresh process."""
    out = subprocess.run([sys.executable, "-c", _RUNNER, *args], capture_output=True, text=True, env=env, cwd=ROOT)
    result = json.loads(out.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result['stderr']}")
    return result


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    return f"{os.cpu_count()} CPUs ({cpu}), {mem / 2**20:.0f} GiB, load average {os.getloadavg()[0]:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="300000,1000000,3000000,10000000")
    parser.add_argument("--file", type=Path, default=ROOT.parent / "shared" / "data" / "dol" /
                        "H-2A_Disclosure_Data_FY2022_Q1.xlsx")
    parser.add_argument("--no-store", action="store_true", help="synthetic cases instead of the DOL file")
    parser.add_argument("--tmp", type=Path, default=None, help="folder for the generated files (default: a temporary one)")
    opts = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory(dir=opts.tmp) as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "H2GENDER_DATA_DIR": str(tmp / "data"), "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
        data = "synthetic"
        if not opts.no_store:
            subprocess.run([sys.executable, "-m", "toolkit", "data", "ingest", str(opts.file)], cwd=ROOT, check=True,
                           env=env, capture_output=True)
            data = "store"
        print(f"{'rows':>10} {'CSV MB':>7} {'pyarrow s':>9} {'MiB':>6} {'report s':>9} {'MiB':>6} {'ratio':>6} "
              f"{'cached s':>9} {'MiB':>6}")
        for rows in [int(r) for r in opts.rows.split(",")]:
            path = survey(rows, tmp / f"survey_{rows}.csv")
            bare = run([sys.executable, "-c", _BARE, str(path)], env)
            report = [sys.executable, "-m", "toolkit", "report", "--data", data, "--program", "H-2A", "--fy", "2022",
                      "--workers", str(path), "--mapping", str(MAPPING), "--format", "html", "--lang", "en",
                      "--out", str(tmp / "out")]
            first = run(report, env)
            again = run(report, env)
            print(f"{rows:>10,} {path.stat().st_size / 1e6:>7.0f} {bare['seconds']:>9.1f} {bare['peak_mib']:>6.0f} "
                  f"{first['seconds']:>9.1f} {first['peak_mib']:>6.0f} {first['seconds'] / bare['seconds']:>5.1f}x "
                  f"{again['seconds']:>9.1f} {again['peak_mib']:>6.0f}", flush=True)
            path.unlink()
        print(f"done; {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
