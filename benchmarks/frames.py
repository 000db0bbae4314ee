"""Time ``Dataset.to_frames()`` against ``read_input`` on the network-scale site.

``python benchmarks/frames.py [--persons 150000] [--repeat 3] [--folder DIR] [--json]``
generates the CSV folder (once, cached in /tmp, as ``run.py`` does; ``--folder``: read
that one instead), then, in this process, reads it with
``read_input`` and builds the DataFrames with ``to_frames()``, each ``--repeat`` times,
and prints the median CPU and wall times and the ratio to_frames / read_input (the issue's
budget: at most 1). pandas is imported before timing (its import is not the frames'
work). ``--json`` prints the medians as one JSON object instead (what ``run.py`` reads).
Figures are never asserted in tests: they depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed(step: object) -> tuple[float, float, object]:
    assert callable(step)
    wall, cpu = time.perf_counter(), time.process_time()
    value = step()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=150_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", type=Path, help="a CSV folder already generated")
    parser.add_argument("--json", action="store_true", help="the medians as JSON")
    args = parser.parse_args()
    folder = args.folder or Path(f"/tmp/citeslab-bench-{args.persons}")
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
    import pandas  # noqa: F401  # imported before timing

    from citeslab_core import read_input

    reads: list[tuple[float, float]] = []
    frames: list[tuple[float, float]] = []
    for _ in range(args.repeat):
        wall, cpu, data = timed(lambda: read_input(folder))
        reads.append((wall, cpu))
        wall, cpu, _ = timed(data.to_frames)  # type: ignore[attr-defined]
        frames.append((wall, cpu))
        del data
    read_wall = statistics.median(w for w, _ in reads)
    read_cpu = statistics.median(c for _, c in reads)
    frames_wall = statistics.median(w for w, _ in frames)
    frames_cpu = statistics.median(c for _, c in frames)
    if args.json:
        print(json.dumps({"read": [read_wall, read_cpu], "to_frames": [frames_wall, frames_cpu]}))
        return
    print(f"read_input   wall {read_wall:6.2f} s   cpu {read_cpu:6.2f} s")
    print(f"to_frames()  wall {frames_wall:6.2f} s   cpu {frames_cpu:6.2f} s")
    print(
        f"ratio to_frames / read_input: cpu x{frames_cpu / read_cpu:.2f}, "
        f"wall x{frames_wall / read_wall:.2f}"
    )


if __name__ == "__main__":
    main()
