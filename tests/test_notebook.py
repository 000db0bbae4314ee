"""The analyst's notebook (examples/analyse.ipynb, made from examples/analyse.py) runs top to
bottom, so that it cannot rot."""

from __future__ import annotations

import importlib
import json
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

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


# -- a saved notebook carries no personal data ------------------------------------------

#: Identity and free-text columns of the canonical JSON, by sheet: each gets a canary.
_PRIVATE_COLUMNS = {
    "porteurs": ("nom", "prenom", "telephone", "email", "adresse", "idee_projet", "commentaire"),
    "suivis": ("referent", "commentaire"),
    "animations": ("titre", "lieu"),
    "partenariats": ("action",),
    "textes": ("texte",),
    "budget": ("libelle", "ecart_explication"),
    "permanences": ("lieu",),
}


def _canary(column: str, number: int) -> str:
    """A value no display would make up: a phone that is a real French mobile number's
    shape, an e-mail, a name (letters), a sentence."""
    if column == "telephone":
        return f"07 71 {number // 100 % 100:02d} {number % 100:02d} 39"
    if column == "email":
        return f"canari.{number}@exemple.invalid"
    if column in ("nom", "prenom", "referent"):
        return f"Canari{column.capitalize()}{chr(65 + number % 26)}{number:04d}"
    return f"Canari texte libre numéro {number}"


def canary_site(folder: Path, name: str) -> tuple[Path, set[str]]:
    """The example with every identity and free-text value replaced by a canary (site
    ``name``), written as canonical JSON; and the canaries."""
    from citeslab_core import load_example
    from citeslab_core.readers.converter import to_dict

    document = to_dict(load_example())
    document["structure"]["nom"] = name
    document["structure"]["referent"] = f"CanariReferentSite {name}"
    canaries = {document["structure"]["referent"]}
    number = 0
    for sheet, columns in _PRIVATE_COLUMNS.items():
        for row in document[sheet]:
            for column in columns:
                if sheet == "suivis" and column not in row and number % 3:
                    number += 1
                    continue  # a referent and a comment on one event in three
                number += 1
                row[column] = _canary(column, number)
                canaries.add(row[column])
                if column == "telephone":
                    canaries.add(row[column].replace(" ", ""))
    path = folder / f"{name}.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path, canaries


#: Every public object displayed, each as the last expression of a cell (Jupyter shows
#: its repr and _repr_html_) and by display().
_CELLS = [
    """\
import datetime as dt
from pathlib import Path
from citeslab_core import *
import citeslab_core
data = read_input(Path(SITE))
autre = read_input(Path(OTHER))
data""",
    "display(data.site, data.site.pathway_policy, data.site.funding_policy)",
    "for sheet in ('porteurs', 'suivis', 'quartiers', 'animations', 'partenariats', "
    "'financements', 'textes', 'budget', 'permanences'):\n"
    "    for record in data.columns(sheet).records()[:3]:\n"
    "        display(record)",
    "data.persons[0]",
    "[p for p in data.persons[:5]]",
    "data.events[:10]",
    "[e for e in data.events if e.referent][:3]",
    "bilan = compute_bilan(data, year=2023)\nbilan",
    "public = compute_bilan(data, year=2023, public=True)\npublic",
    "display(bilan.indicators, bilan.checks)\nfor t in bilan.tables.values():\n"
    "    display(t, t.rows)",
    "evolution = compare(compute_bilan(data, year=2022), bilan)\nevolution",
    "display(evolution.rows[:5], evolution.to_frame().head())",
    "findings = check_rules(data, dt.date(2024, 12, 31))\nfindings[:20]",
    "followup = compute_followup(data, dt.date(2024, 12, 31))\nfollowup",
    "print(followup)\nprint(followup.contacts)\nfollowup.groups",
    "followup.to_frame()",
    "assert len(followup.to_frame(private=True)['nom'].dropna()) > 0  # asked for: there",
    "reseau = network_bilan([bilan, compute_bilan(autre, year=2023)], public=True)\nreseau",
    "frames = data.to_frames()\ndisplay(frames['porteurs'].head(), frames['suivis'].head())",
    "bilan.to_frame()",
    "display(Period.year(2023), Period.quarter(2023, 2), Sex.F, list(Stage)[0], TABLE_KEYS)",
    "display(data.persons[0].birth, Precision.DAY)",
    "registry = Registry.from_entry_points()\ndisplay(registry, registry.names())",
    "try:\n    compute_bilan(data)\nexcept CitesLabError as error:\n    display(error)",
    "try:\n    read_input(Path(SITE).with_name('absent.json'))\nexcept CitesLabError as error:\n"
    "    display(error)",
    "citeslab_core.__version__",
]


def test_a_saved_notebook_carries_no_personal_data(tmp_path: Path) -> None:
    """A notebook on a site whose names, phones, e-mails and free texts are canaries,
    executed by a real kernel (nbclient) and saved: every public object was displayed
    (text and HTML), and no canary is anywhere in the .ipynb. The names are still there
    for whoever asks (``followup.to_frame(private=True)``, asserted in a cell)."""
    import nbclient

    nbformat: Any = importlib.import_module("nbformat")  # untyped

    site, canaries = canary_site(tmp_path, "CitésLab Canari")
    other, more = canary_site(tmp_path, "CitésLab Témoin")
    setup = f"SITE, OTHER = {str(site)!r}, {str(other)!r}\n"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(setup + _CELLS[0])] + [
        nbformat.v4.new_code_cell(source) for source in _CELLS[1:]
    ]
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()
    saved = tmp_path / "analyse.ipynb"
    nbformat.write(notebook, str(saved))
    text = saved.read_text(encoding="utf-8")

    outputs = [output for cell in notebook.cells for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o for o in outputs if "text/html" in o.get("data", {})]
    shown = "\n".join(str(o.get("data", {})) + str(o.get("text", "")) for o in outputs)
    for marker in (
        "<Dataset",
        "<Bilan",
        "<Bilan public",
        "<Table",
        "Person(",
        "Event(",
        "Site(",
        "<Comparison",
        "Finding(",
        "<FollowUp",
        "Indicators(",
        "Check(",
        "Period(",
        "Registry",
        "UsageError",
    ):
        assert marker in shown, marker
    assert len(html) >= 30  # the records, bilans, tables, follow-up, comparison, frames
    assert "P0001" in text  # ids are shown
    leaked = sorted(c for c in canaries | more if c in text)
    assert not leaked, leaked[:10]
    assert "Canari" not in text.replace("CitésLab Canari", "")
