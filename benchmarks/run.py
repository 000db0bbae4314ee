"""Measure citeslab against the pandas baseline on the same machine, in the same run.

``python benchmarks/run.py [--persons 150000] [--repeat 3] [--clean] [--before PYTHON]``
generates (once, cached under ``--work``, /tmp by default) a site of ``--persons``
persons, written messily (``generate.py --messy``: dates in several formats, labels
instead of codes, empty rows, Windows-1252 files; ``--clean`` for the plain site), and a
network of ``--sites`` site folders (100 by default) of the same total size, then times,
each in a fresh process so that memory is measured too:

- the pandas baseline (``pandas_baseline.py``, ``--messy`` on the messy site) computing
  the bilan's main tables;
- ``citeslab report DIR --year 2023 --format json`` (read, validate, compute, render);
- ``citeslab followup DIR --on 2023-10-01 --format json`` (read, rules);
- ``citeslab report SITE_1 … SITE_100 --year 2023 --format json`` (the network);
- ``frames.py``: ``read_input`` then ``Dataset.to_frames()`` in one process (the two CPU
  times it measures itself);
- ``citeslab --help`` against ``python -c pass`` (start-up).

``--before PYTHON`` runs every citeslab command a second time with another interpreter
(one where an earlier citeslab is installed), in the same rounds, and prints both side by
side with the ratios after / before.

The commands run in rounds (each once per round), so that a slow spell of a shared machine
weighs on all of them alike. It prints the machine, each command's median wall time,
median CPU time (user + system) and peak memory, and the ratios. Before timing anything,
it checks that the baseline computes what citeslab computes: the accompanied and new
persons, every table of the baseline and the programmes must equal the bilan JSON's, else
it stops. Figures are never asserted in tests: they depend on the machine; ratios are
what we compare, and CPU-time ratios are the steadier on a loaded machine.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
START_UP_ROUNDS = 10


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


def run_once(
    argv: list[str],
    figures: Figures,
    *,
    env: dict[str, str] | None = None,
    out: Path | None = None,
) -> None:
    """Run a command in a fresh process and add its wall time, CPU time and peak memory;
    its standard output goes to ``out`` (else nowhere).

    The peak is the child's ``ru_maxrss``, which Linux starts from the parent's resident
    size at the fork: the harness keeps no output in memory (they go to files), so that
    its own 15 MiB or so is the floor of every peak (``python -c pass`` shows it)."""
    with open(out or os.devnull, "wb") as sink:
        began = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=sink, stderr=subprocess.PIPE, env=env)
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


def generate(folder: Path, *options: str) -> None:
    """Write a generated site (or network) into ``folder`` unless it is there already."""
    done = folder / ".complete"
    if done.exists():
        return
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), str(folder), *options],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    done.touch()


def disagreements(baseline: dict[str, Any], bilan: dict[str, Any]) -> list[str]:
    """Where the baseline's figures differ from the bilan JSON's (empty: they agree)."""
    found = [
        f"{name}: pandas {baseline[name]}, citeslab {bilan[name]}"
        for name in ("accompagnes", "nouveaux")
        if baseline[name] != bilan[name]
    ]
    for name, counts in baseline["tables"].items():
        theirs = {row["code"]: row["effectif"] for row in bilan["tables"][name] if row["effectif"]}
        ours = {(code or "non_renseigne"): count for code, count in counts.items() if count}
        if ours != theirs:
            found.append(f"table {name}: pandas {ours}, citeslab {theirs}")
    theirs_programmes = {
        row["programme"]: [row["orientes"], row["retenus"]] for row in bilan["programmes"]
    }
    if baseline["programmes"] != theirs_programmes:
        found.append(f"programmes: pandas {baseline['programmes']}, citeslab {theirs_programmes}")
    return found


def _without_provenance(text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    document.pop("provenance", None)
    return document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=150_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sites", type=int, default=100, help="site folders of the network")
    parser.add_argument("--clean", action="store_true", help="the plain site, not the messy one")
    parser.add_argument("--before", metavar="PYTHON", help="also run citeslab with PYTHON")
    parser.add_argument("--work", type=Path, default=Path("/tmp"), help="where sites go")
    parser.add_argument("--start-up-rounds", type=int, default=START_UP_ROUNDS)
    parser.add_argument("--check", type=Path, help=argparse.SUPPRESS)  # run.py's own use
    args = parser.parse_args()
    if args.check:
        check(args.check)
        return
    messy = [] if args.clean else ["--messy"]
    kind = "clean" if args.clean else "messy"
    folder = args.work / f"citeslab-bench-{args.persons}-{kind}"
    per_site = max(args.persons // args.sites, 1)
    network = args.work / f"citeslab-network-{args.sites}x{per_site}-{kind}"
    generate(folder, "--persons", str(args.persons), *messy)
    generate(network, "--sites", str(args.sites), "--persons", str(per_site), *messy)
    sites = [str(p) for p in sorted(network.iterdir()) if p.is_dir()]

    pythons = {"": sys.executable}
    if args.before:
        pythons[" (before)"] = args.before
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1704067200"}
    report = ["report", "--year", "2023", "--format", "json"]
    runs: dict[str, list[str]] = {
        "pandas (bilan tables)": [
            sys.executable,
            str(HERE / "pandas_baseline.py"),
            str(folder),
            "--year",
            "2023",
            *messy,
        ],
    }
    for tag, python in pythons.items():
        cli = [python, "-m", "citeslab_core.cli"]
        runs[f"citeslab report{tag}"] = [*cli, *report, str(folder)]
        runs[f"citeslab followup{tag}"] = [
            *cli,
            "followup",
            str(folder),
            "--on",
            "2023-10-01",
            "--format",
            "json",
        ]
        runs[f"report, {len(sites)} folders{tag}"] = [*cli, *report, *sites]
        runs[f"read + to_frames{tag}"] = [
            python,
            str(HERE / "frames.py"),
            "--folder",
            str(folder),
            "--repeat",
            "1",
            "--json",
        ]
    start_up = {"python -c pass": [sys.executable, "-c", "pass"]}
    for tag, python in pythons.items():
        start_up[f"citeslab --help{tag}"] = [python, "-m", "citeslab_core.cli", "--help"]
    runs.update(start_up)

    # Rounds: each command once per round, so that a slow spell of a shared machine
    # weighs on every command alike; start-up is measured more often (it is short).
    results = {name: Figures() for name in runs}
    outputs = args.work / f"citeslab-bench-outputs-{os.getpid()}"
    outputs.mkdir(parents=True, exist_ok=True)
    frames: dict[str, list[tuple[float, float]]] = {tag: [] for tag in pythons}
    for round_ in range(max(args.repeat, args.start_up_rounds)):
        for name, argv in runs.items():
            if round_ < args.repeat or name in start_up:
                out = outputs / _slug(name)
                run_once(argv, results[name], env=env, out=out)
                if name.startswith("read + to_frames"):
                    measured = json.loads(out.read_text())
                    frames[name.removeprefix("read + to_frames")].append(
                        (measured["read"][1], measured["to_frames"][1])
                    )
        if round_ == 0:
            # in a process of its own: the harness stays small (see run_once)
            checked = subprocess.run(
                [sys.executable, __file__, "--check", str(outputs)], check=False
            )
            if checked.returncode:
                raise SystemExit(checked.returncode)
    for file in outputs.iterdir():
        file.unlink()
    outputs.rmdir()

    print(f"machine: {machine()}")
    print(
        f"site: {args.persons} persons ({kind}), network: {len(sites)} folders of "
        f"{per_site} persons; medians of {args.repeat} rounds"
    )
    print(f"{'':34s} {'wall':>9s} {'CPU':>9s} {'peak memory':>12s}")
    for name, figures in results.items():
        print(
            f"{name:34s} {figures.seconds:7.3f} s {figures.cpu_seconds:7.3f} s "
            f"{figures.peak:8.1f} MiB"
        )
    base = results["pandas (bilan tables)"]
    for tag in pythons:
        for name in ("citeslab report", "citeslab followup"):
            figures = results[name + tag]
            print(
                f"{name}{tag} / pandas: time ×{figures.seconds / base.seconds:.2f} "
                f"(CPU ×{figures.cpu_seconds / base.cpu_seconds:.2f}), "
                f"memory ×{figures.peak / base.peak:.2f}"
            )
        one, many = results[f"citeslab report{tag}"], results[f"report, {len(sites)} folders{tag}"]
        print(
            f"report on {len(sites)} folders{tag} / one folder: CPU "
            f"×{many.cpu_seconds / one.cpu_seconds:.2f}, memory ×{many.peak / one.peak:.2f}"
        )
        read = statistics.median(r for r, _ in frames[tag])
        built = statistics.median(f for _, f in frames[tag])
        print(
            f"to_frames(){tag}: {built:.3f} s CPU after read_input {read:.3f} s CPU "
            f"(×{built / read:.2f})"
        )
        helped, bare = results[f"citeslab --help{tag}"], results["python -c pass"]
        print(
            f"citeslab --help{tag}: {(helped.seconds - bare.seconds) * 1000:.0f} ms above a "
            f"bare interpreter (CPU {(helped.cpu_seconds - bare.cpu_seconds) * 1000:.0f} ms)"
        )
    if args.before:
        print("after / before (CPU, memory):")
        for name in runs:
            if name + " (before)" in runs:
                now, then = results[name], results[name + " (before)"]
                print(
                    f"  {name:32s} CPU ×{now.cpu_seconds / then.cpu_seconds:.2f} "
                    f"({then.cpu_seconds:.2f} s → {now.cpu_seconds:.2f} s), memory "
                    f"×{now.peak / then.peak:.2f} ({then.peak:.0f} → {now.peak:.0f} MiB)"
                )
    print(
        json.dumps(
            {
                name: {
                    "s": round(f.seconds, 3),
                    "cpu": round(f.cpu_seconds, 3),
                    "mib": round(f.peak, 1),
                }
                for name, f in results.items()
            },
            ensure_ascii=False,
        ),
        file=sys.stderr if os.environ.get("QUIET") else sys.stdout,
    )


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def check(outputs: Path) -> None:
    """Stop unless the baseline computes citeslab's figures; compare before and after."""
    bilan = json.loads((outputs / _slug("citeslab report")).read_text("utf-8"))
    baseline = json.loads((outputs / _slug("pandas (bilan tables)")).read_text("utf-8"))
    wrong = disagreements(baseline, bilan)
    if wrong:
        raise SystemExit("the pandas baseline disagrees with citeslab:\n" + "\n".join(wrong))
    print(
        f"check: the pandas baseline gives citeslab's figures ({bilan['accompagnes']} "
        f"accompanied, {bilan['nouveaux']} new, {len(baseline['tables'])} tables, "
        f"{len(baseline['programmes'])} programmes)"
    )
    for name in ("citeslab report", "citeslab followup"):
        now, then = outputs / _slug(name), outputs / _slug(name + " (before)")
        if not then.exists():
            continue
        if name.endswith("report"):
            same = _without_provenance(now.read_text("utf-8")) == _without_provenance(
                then.read_text("utf-8")
            )
            what = "the same bilan JSON (provenance aside)"
        else:
            same = filecmp.cmp(now, then, shallow=False)
            what = "the same follow-up JSON"
        print(f"check: {name} before and after give {what}: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
