"""Measure citeslab against baselines on the same machine, in the same run.

``python benchmarks/run.py [--persons 150000] [--repeat 3]`` generates (once, cached in
/tmp) a network-scale CSV folder, then times, each in a fresh process so that memory is
measured too:

- the pandas baseline (``pandas_baseline.py``) computing the bilan's main tables;
- ``citeslab report DIR --year 2023 --format json`` (read, validate, compute, render);
- ``citeslab followup DIR --on 2023-10-01 --format json`` (read, rules);
- ``citeslab --help`` against ``python -c pass`` (start-up).

It prints each median time and peak memory, and the ratios citeslab / baseline. Figures
are never asserted in tests: they depend on the machine; ratios are what we compare.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(argv: list[str], repeat: int) -> tuple[float, float]:
    """Median wall time (s) and peak resident memory (MiB) of a command."""
    times, peaks = [], []
    for _ in range(repeat):
        began = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert proc.stderr is not None
        error = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        times.append(time.perf_counter() - began)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed:\n{error.decode()[-2000:]}")
        peaks.append(usage.ru_maxrss / 1024)  # kilobytes on Linux
    return statistics.median(times), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=150_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(f"/tmp/citeslab-bench-{args.persons}")
    if not (folder / "suivis.csv").exists():
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                str(folder),
                "--persons",
                str(args.persons),
            ],
            check=True,
        )
    citeslab = [sys.executable, "-m", "citeslab_core.cli"]
    runs = {
        "pandas (bilan tables)": [
            sys.executable,
            str(HERE / "pandas_baseline.py"),
            str(folder),
            "--year",
            "2023",
        ],
        "citeslab report": [*citeslab, "report", str(folder), "--year", "2023", "--format", "json"],
        "citeslab followup": [
            *citeslab,
            "followup",
            str(folder),
            "--on",
            "2023-10-01",
            "--format",
            "json",
        ],
        "python -c pass": [sys.executable, "-c", "pass"],
        "citeslab --help": [*citeslab, "--help"],
    }
    results = {
        name: measure(
            argv, args.repeat if "help" not in name and "pass" not in name else max(args.repeat, 10)
        )
        for name, argv in runs.items()
    }
    for name, (seconds, mib) in results.items():
        print(f"{name:24s} {seconds:8.3f} s {mib:9.1f} MiB")
    base_t, base_m = results["pandas (bilan tables)"]
    for name in ("citeslab report", "citeslab followup"):
        seconds, mib = results[name]
        print(f"{name} / pandas: time ×{seconds / base_t:.2f}, memory ×{mib / base_m:.2f}")
    start = results["citeslab --help"][0] - results["python -c pass"][0]
    print(f"citeslab --help: {start * 1000:.0f} ms above a bare interpreter")
    print(
        json.dumps({k: {"s": round(v[0], 3), "mib": round(v[1], 1)} for k, v in results.items()}),
        file=sys.stderr if os.environ.get("QUIET") else sys.stdout,
    )


if __name__ == "__main__":
    main()
