"""Measure citeslab against baselines on the same machine, in the same run.

``python benchmarks/run.py [--persons 150000] [--repeat 3]`` generates (once, cached in
/tmp) a network-scale CSV folder, then times, each in a fresh process so that memory is
measured too:

- the pandas baseline (``pandas_baseline.py``) computing the bilan's main tables;
- ``citeslab report DIR --year 2023 --format json`` (read, validate, compute, render);
- ``citeslab followup DIR --on 2023-10-01 --format json`` (read, rules);
- ``citeslab --help`` against ``python -c pass`` (start-up).

The commands run in rounds (each once per round), so that a slow spell of a shared machine
weighs on all of them alike. It prints the machine, each command's median wall time,
median CPU time (user + system) and peak memory, and the ratios citeslab / baseline.
Figures are never asserted in tests: they depend on the machine; ratios are what we
compare, and CPU-time ratios are the steadier on a loaded machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass
class Figures:
    """The runs of one command: wall and CPU seconds, peak resident memory (MiB)."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak: float = 0.0

    @property
    def seconds(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(self.cpu)


def run_once(argv: list[str], figures: Figures) -> None:
    """Run a command in a fresh process and add its wall time, CPU time and peak memory."""
    began = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    error = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    figures.wall.append(time.perf_counter() - began)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{error.decode()[-2000:]}")
    figures.cpu.append(usage.ru_utime + usage.ru_stime)
    figures.peak = max(figures.peak, usage.ru_maxrss / 1024)  # kilobytes on Linux


def machine() -> str:
    """The machine the figures were measured on: CPU, cores, memory, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB"
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


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
    # Rounds: each command once per round, so that a slow spell of a shared machine
    # weighs on every command alike; start-up is measured more often (it is short).
    results = {name: Figures() for name in runs}
    for round_ in range(max(args.repeat, 10)):
        for name, argv in runs.items():
            if round_ < args.repeat or name in ("python -c pass", "citeslab --help"):
                run_once(argv, results[name])
    print(f"machine: {machine()}")
    print(f"{'':24s} {'wall (median)':>14s} {'CPU (median)':>13s} {'peak memory':>12s}")
    for name, figures in results.items():
        print(
            f"{name:24s} {figures.seconds:12.3f} s {figures.cpu_seconds:11.3f} s "
            f"{figures.peak:8.1f} MiB"
        )
    base = results["pandas (bilan tables)"]
    for name in ("citeslab report", "citeslab followup"):
        figures = results[name]
        print(
            f"{name} / pandas: time ×{figures.seconds / base.seconds:.2f} "
            f"(CPU ×{figures.cpu_seconds / base.cpu_seconds:.2f}), "
            f"memory ×{figures.peak / base.peak:.2f}"
        )
    start = results["citeslab --help"].seconds - results["python -c pass"].seconds
    print(f"citeslab --help: {start * 1000:.0f} ms above a bare interpreter")
    print(
        json.dumps(
            {
                name: {
                    "s": round(f.seconds, 3),
                    "cpu": round(f.cpu_seconds, 3),
                    "mib": round(f.peak, 1),
                }
                for name, f in results.items()
            }
        ),
        file=sys.stderr if os.environ.get("QUIET") else sys.stdout,
    )


if __name__ == "__main__":
    main()
