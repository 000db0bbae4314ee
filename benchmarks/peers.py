"""Speed where users are (issue 26): citeslab's pure path, its Arrow path and the pandas
peer, on the same files, in one run.

``python benchmarks/peers.py [--repeat 5] [--work /tmp] [--sizes 40000,150000]``

generates (once, cached under ``--work``) a 3 000-person site kept as one ``.xlsx``, and
CSV folders of 40 000 and 150 000 persons written as people type them
(``generate.py --messy --two-dates``: labels instead of codes in varied case and
accents, empty rows, Windows-1252, dates as ``2023-03-14`` or ``14/03/2023``), then runs,
each command in a fresh process, in rounds (each command once per round, so that a slow
spell of a shared machine weighs on all of them alike):

- the workbook: ``citeslab bilan X.xlsx --annee 2023 --format json`` against pandas
  reading every sheet with ``read_excel(sheet_name=None, engine="calamine")`` and nothing
  more;
- each CSV folder: ``citeslab bilan DIR --annee 2023 --format json`` on the pure path
  (pyarrow hidden from the process) and on the Arrow path (whatever the folder's size),
  against the analyst's pandas script (``pandas_analyst.py``);
- the notebook, on the 40 000-person folder: ``read_input`` then ``Dataset.to_frames()``
  against ``pandas.read_csv`` of the same files (``dtype=str``, Windows-1252).

citeslab's bytecode is compiled first (as an installed package has it). Before timing,
the figures are checked equal: the analyst's tables against the bilan JSON's
(``run.disagreements``), pandas' rows of the workbook and of the CSV files against
citeslab's. It prints the machine and its load, each command's median wall time, median
CPU time (user + system) and peak memory, and the ratios of the issue's targets. Figures
are never asserted in tests: they depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from run import HERE, Figures, disagreements, generate, machine, run_once

#: citeslab's command line with pyarrow hidden: the pure-Python reading.
PURE = (
    "import sys; sys.modules['pyarrow'] = None; "
    "from citeslab_core.cli import main; sys.exit(main(sys.argv[1:]))"
)
#: citeslab's command line on the Arrow path whatever the folder's size (it starts at
#: ``csvdir.ARROW_MIN_BYTES`` otherwise).
ARROW = (
    "import sys; from citeslab_core.readers import csvdir; csvdir.ARROW_MIN_BYTES = 0; "
    "from citeslab_core.cli import main; sys.exit(main(sys.argv[1:]))"
)
WORKBOOK = (
    "import sys, pandas; "
    "frames = pandas.read_excel(sys.argv[1], sheet_name=None, engine='calamine'); "
    "print(sum(len(f) for f in frames.values()))"
)
READ_CSV = (
    "import sys, pandas; from pathlib import Path; "
    "frames = {p.stem: pandas.read_csv(p, sep=';', dtype=str, keep_default_na=False, "
    "encoding='cp1252') for p in sorted(Path(sys.argv[1]).glob('*.csv'))}; "
    "print(len(frames['porteurs']), len(frames['suivis']))"
)
COMPILE = (
    "import compileall, os, citeslab_core, citeslab_exporters; "
    "[compileall.compile_dir(os.path.dirname(m.__file__), quiet=1) "
    "for m in (citeslab_core, citeslab_exporters)]"
)
FRAMES = (
    "import sys, pandas; from pathlib import Path; from citeslab_core import read_input; "
    "frames = read_input(Path(sys.argv[1])).to_frames(); "
    "print(len(frames['porteurs']), len(frames['suivis']))"
)


def _workbook(work: Path, persons: int) -> Path:
    """The site as one ``.xlsx`` (the clean folder, written by citeslab)."""
    path = work / f"citeslab-peers-{persons}.xlsx"
    if not path.exists():
        folder = work / f"citeslab-peers-{persons}"
        generate(folder, "--persons", str(persons))
        code = (
            "import sys; from pathlib import Path; from citeslab_core import read_input; "
            "from citeslab_core.readers.workbook import write_workbook; "
            "Path(sys.argv[2]).write_bytes(write_workbook(read_input(Path(sys.argv[1]))))"
        )
        subprocess.run([sys.executable, "-c", code, str(folder), str(path)], check=True)
    return path


def _output(argv: list[str], env: dict[str, str]) -> str:
    return subprocess.run(argv, capture_output=True, text=True, env=env, check=True).stdout


def _check(runs: dict[str, list[str]], env: dict[str, str], workbook: Path) -> None:
    """Stop unless the peers compute citeslab's figures on the same files."""
    count = (
        "import sys; from pathlib import Path; from citeslab_core import read_input; "
        "from citeslab_core.model import TABLES; "
        "from citeslab_core.readers.workbook import _site_rows; "
        "d = read_input(Path(sys.argv[1])); "
        "print(sum(len(d.columns(t)) for t, _, _ in TABLES) + len(_site_rows(d.site)))"
    )
    ours = int(_output([sys.executable, "-c", count, str(workbook)], env))
    theirs = int(_output(runs["workbook: pandas read_excel (calamine)"], env))
    if ours != theirs:
        raise SystemExit(f"the workbook: pandas reads {theirs} rows, citeslab {ours}")
    print(f"check: the workbook's {ours} rows read alike by pandas and citeslab")
    for name, argv in runs.items():
        if not name.endswith("pandas analyst"):
            continue
        size = name.split(":")[0]
        baseline = json.loads(_output(argv, env))
        for path in ("pure", "Arrow"):
            bilan = json.loads(_output(runs[f"{size}: citeslab bilan ({path})"], env))
            wrong = disagreements(baseline, bilan)
            if wrong:
                raise SystemExit(f"{size}, {path}: the analyst's pandas disagrees:\n{wrong}")
        print(f"check: {size}: the analyst's tables are the bilan's, pure and Arrow alike")
    frames = _output(runs["notebook: read_input + to_frames"], env).split()
    filled = READ_CSV.replace(
        "len(frames['porteurs']), len(frames['suivis'])",
        "*(int(f.ne('').any(axis=1).sum()) for f in (frames['porteurs'], frames['suivis']))",
    )
    plain = _output(
        [sys.executable, "-c", filled, runs["notebook: pandas.read_csv"][-1]], env
    ).split()
    if frames != plain:
        raise SystemExit(f"the notebook: citeslab's frames hold {frames} rows, pandas {plain}")
    print(f"check: the notebook's frames hold pandas' rows (empty rows aside): {frames}")


def _size(persons: int) -> str:
    return f"{persons // 1000}k" if persons >= 1000 else str(persons)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp"))
    parser.add_argument("--sizes", default="40000,150000", help="persons of the CSV folders")
    parser.add_argument("--workbook-persons", type=int, default=3000)
    args = parser.parse_args()
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1704067200"}
    workbook = _workbook(args.work, args.workbook_persons)
    cli = [sys.executable, "-m", "citeslab_core.cli"]
    pure = [sys.executable, "-c", PURE]
    arrow = [sys.executable, "-c", ARROW]
    report = ["bilan", "--annee", "2023", "--format", "json"]
    runs: dict[str, list[str]] = {
        "workbook: citeslab bilan": [*cli, *report, str(workbook)],
        "workbook: pandas read_excel (calamine)": [
            sys.executable,
            "-c",
            WORKBOOK,
            str(workbook),
        ],
    }
    folders = {}
    for persons in map(int, args.sizes.split(",")):
        folder = args.work / f"citeslab-peers-{persons}-analyst"
        generate(folder, "--persons", str(persons), "--messy", "--two-dates")
        folders[persons] = folder
        size = _size(persons)
        runs[f"{size}: citeslab bilan (pure)"] = [*pure, *report, str(folder)]
        runs[f"{size}: citeslab bilan (Arrow)"] = [*arrow, *report, str(folder)]
        runs[f"{size}: pandas analyst"] = [
            sys.executable,
            str(HERE / "pandas_analyst.py"),
            str(folder),
            "--year",
            "2023",
        ]
    notebook = folders[min(folders)]
    runs["notebook: read_input + to_frames"] = [sys.executable, "-c", FRAMES, str(notebook)]
    runs["notebook: pandas.read_csv"] = [sys.executable, "-c", READ_CSV, str(notebook)]
    runs["citeslab --help"] = [*cli, "--help"]
    runs["python -c pass"] = [sys.executable, "-c", "pass"]

    # Bytecode compiled first, as an installed package has it: a source tree run with
    # PYTHONDONTWRITEBYTECODE would otherwise compile citeslab's modules in every process.
    subprocess.run([sys.executable, "-c", COMPILE], env=env, check=True)
    _check(runs, env, workbook)
    results = {name: Figures() for name in runs}
    for _ in range(args.repeat):
        for name, argv in runs.items():
            run_once(argv, results[name], env=env)

    load = os.getloadavg()
    print(f"machine: {machine()}; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(f"medians of {args.repeat} rounds")
    print(f"{'':42s} {'wall':>9s} {'CPU':>9s} {'peak memory':>12s}")
    for name, figures in results.items():
        print(
            f"{name:42s} {figures.seconds:7.3f} s {figures.cpu_seconds:7.3f} s "
            f"{figures.peak:8.1f} MiB"
        )

    def ratio(ours: str, peer: str) -> None:
        a, b = results[ours], results[peer]
        print(
            f"{ours} / {peer}: time ×{a.seconds / b.seconds:.2f} "
            f"(CPU ×{a.cpu_seconds / b.cpu_seconds:.2f}), memory ×{a.peak / b.peak:.2f}"
        )

    ratio("workbook: citeslab bilan", "workbook: pandas read_excel (calamine)")
    for persons in folders:
        size = _size(persons)
        ratio(f"{size}: citeslab bilan (Arrow)", f"{size}: pandas analyst")
        ratio(f"{size}: citeslab bilan (pure)", f"{size}: pandas analyst")
    ratio("notebook: read_input + to_frames", "notebook: pandas.read_csv")
    helped, bare = results["citeslab --help"], results["python -c pass"]
    print(
        f"citeslab --help: {(helped.seconds - bare.seconds) * 1000:.0f} ms above a bare "
        f"interpreter (CPU {(helped.cpu_seconds - bare.cpu_seconds) * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
