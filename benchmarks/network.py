"""Measure the network bilan against one site of the same total size, in the same run.

``python benchmarks/network.py [--sites 100] [--persons 1500] [--repeat 3]`` generates
(once, cached in /tmp) a network of ``--sites`` site folders of ``--persons`` persons each
and one folder of the same total number of persons, writes each site's bilan JSON, then
times, each in a fresh process and in interleaved rounds (see run.py):

- ``citeslab report ONE_FOLDER`` (the baseline: one site of the network's size);
- ``citeslab report SITE_1 … SITE_N`` (reading every folder, one bilan each, summed);
- ``citeslab report BILAN_1.json … BILAN_N.json`` (summing the sites' bilan files);
- with ``--public``, ``citeslab report SITE_1 … SITE_N --public`` too (the public
  network: its joint masking and self-audit, docs/public-mode.md).

It prints the ratios network / one folder, and with ``--public`` the public network /
the network. A network of small sites, as CitésLab sites are (about a hundred persons a
year): ``--sites 70 --persons 150 --public``. Never asserted in tests
(machine-dependent).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from run import Figures, machine, run_once

HERE = Path(__file__).resolve().parent


def _generate(args: list[str]) -> None:
    subprocess.run([sys.executable, str(HERE / "generate.py"), *args], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--persons", type=int, default=1500, help="persons per site")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--public", action="store_true", help="the public network too")
    args = parser.parse_args()
    base = Path(f"/tmp/citeslab-network-{args.sites}x{args.persons}")
    network, single, bilans = base / "sites", base / "single", base / "bilans"
    citeslab = [sys.executable, "-m", "citeslab_core.cli"]
    if not (single / "suivis.csv").exists():
        _generate([str(network), "--sites", str(args.sites), "--persons", str(args.persons)])
        _generate([str(single), "--persons", str(args.sites * args.persons)])
    sites = sorted(p for p in network.iterdir() if p.is_dir())
    report = ["report", "--year", "2023", "--format", "json"]
    bilans.mkdir(parents=True, exist_ok=True)
    for site in sites:
        target = bilans / f"{site.name}.json"
        if not target.exists():
            subprocess.run(
                [*citeslab, *report, str(site), "-o", str(target)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
    files = [str(b) for b in sorted(bilans.iterdir())]
    runs = {
        "one folder": [*citeslab, *report, str(single)],
        f"{len(sites)} site folders": [*citeslab, *report, *map(str, sites)],
        f"{len(sites)} bilan files": [*citeslab, *report, *files],
    }
    if args.public:
        runs["public network"] = [*citeslab, *report, *map(str, sites), "--public"]
    results = {name: Figures() for name in runs}
    for _ in range(args.repeat):
        for name, argv in runs.items():
            run_once(argv, results[name])
    print(f"machine: {machine()}")
    print(f"{args.sites} sites x {args.persons} persons")
    for name, figures in results.items():
        print(
            f"{name:20s} {figures.seconds:8.3f} s wall {figures.cpu_seconds:8.3f} s CPU "
            f"{figures.peak:8.1f} MiB"
        )
    one = results["one folder"]
    for name, figures in list(results.items())[1:]:
        print(
            f"{name} / one folder: time x{figures.seconds / one.seconds:.2f} "
            f"(CPU x{figures.cpu_seconds / one.cpu_seconds:.2f}), "
            f"memory x{figures.peak / one.peak:.2f}"
        )
    if args.public:
        public, plain = results["public network"], results[f"{len(sites)} site folders"]
        print(
            f"public network / {len(sites)} site folders: "
            f"time x{public.seconds / plain.seconds:.2f} "
            f"(CPU x{public.cpu_seconds / plain.cpu_seconds:.2f}), "
            f"memory x{public.peak / plain.peak:.2f}"
        )


if __name__ == "__main__":
    main()
