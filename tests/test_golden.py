"""Every command's output for fixed inputs is what tests/golden/out/ holds, byte for byte.

A change of output is made on purpose: ``python tests/golden_cases.py`` writes them anew
(see tests/golden_cases.py), and the commit says why.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from golden_cases import CASES, OUTPUTS, Case, run_case


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_output_is_golden(case: Case, tmp_path: Path) -> None:
    run_case(case, tmp_path / "out")
    produced = {p.name: p.read_bytes() for p in sorted((tmp_path / "out").iterdir())}
    expected_dir = OUTPUTS / case.name
    assert expected_dir.is_dir(), f"no golden output for {case.name}: run tests/golden_cases.py"
    expected = {p.name: p.read_bytes() for p in sorted(expected_dir.iterdir())}
    assert sorted(produced) == sorted(expected)
    for name, content in produced.items():
        if content != expected[name]:
            # Show the first differing line rather than two whole files.
            new, old = content.decode("utf-8").splitlines(), expected[name].decode().splitlines()
            first = next(
                (i for i, (a, b) in enumerate(zip(new, old, strict=False)) if a != b),
                min(len(new), len(old)),
            )
            pytest.fail(
                f"{case.name}/{name} differs from the golden file at line {first + 1}:\n"
                f"  golden : {old[first] if first < len(old) else '<end>'}\n"
                f"  now    : {new[first] if first < len(new) else '<end>'}\n"
                "If the change is meant, run: python tests/golden_cases.py"
            )


def test_every_golden_folder_has_a_case() -> None:
    """A golden folder whose case was removed would never be compared again."""
    names = {case.name for case in CASES}
    assert {path.name for path in OUTPUTS.iterdir()} <= names
