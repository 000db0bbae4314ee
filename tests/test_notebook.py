"""The analyst's notebook (examples/analyse.ipynb, made from examples/analyse.py) runs top to
bottom, so that it cannot rot."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_the_notebook_is_the_script() -> None:
    """analyse.ipynb is exactly what make_notebook.py writes from analyse.py (regenerate it
    with ``python examples/make_notebook.py``)."""
    maker = runpy.run_path(str(EXAMPLES / "make_notebook.py"))
    script = (EXAMPLES / "analyse.py").read_text(encoding="utf-8")
    assert (EXAMPLES / "analyse.ipynb").read_text(encoding="utf-8") == maker["notebook_text"](
        script
    )


def test_the_notebook_runs_top_to_bottom(tmp_path: Path) -> None:
    """Every code cell of the notebook, in order, in one namespace (as a kernel runs them),
    in a fresh process; nothing is written."""
    notebook = json.loads((EXAMPLES / "analyse.ipynb").read_text(encoding="utf-8"))
    code = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert len(code) >= 10
    runner = tmp_path / "run.py"
    runner.write_text(
        "import json, sys\n"
        "namespace = {'__name__': '__main__'}\n"
        "for cell in json.loads(sys.argv[1]):\n"
        "    exec(compile(cell, '<cell>', 'exec'), namespace)\n"
        "print('SERIE', namespace['serie'].loc['2023-T1', 'accompagnes'] >= 0)\n"
        "print('FEMMES', namespace['femmes'].count)\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(runner), json.dumps(code)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "SERIE True" in result.stdout
    assert "FEMMES 71" in result.stdout  # the published 2023 bilan of Brest
    assert "<Table sexe" in result.stdout  # a chart per table (its text form outside Jupyter)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.py"]
