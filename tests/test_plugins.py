"""The plug-in registry and the export command: broken plug-ins, checks, the third-party example."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import stat
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import attrs
import pytest
from openpyxl import load_workbook

from citeslab_core.bilan import PublicBilan
from citeslab_core.cli import main
from citeslab_core.cli._export import run_export_command
from citeslab_core.cli._exporter_help import describe_exporters
from citeslab_core.errors import UsageError
from citeslab_core.exporting import (
    EXPORTER_API_VERSION,
    ExportFile,
    ExportOptions,
    PluginError,
    Registry,
    check_file_name,
)
from citeslab_core.exporting.privacy import KEY_ENV, ParticipantRow
from citeslab_core.model import Dataset

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "citeslab-exporter-region"
YEAR = {"start": dt.date(2023, 1, 1), "end": dt.date(2023, 12, 31)}


# -- a plug-in made for the tests ---------------------------------------------------------


@attrs.frozen
class Fake:
    """An exporter that returns the files it is given (or raises what it is given)."""

    name: str = "fake"
    title: str = "Essai"
    formats: tuple[str, ...] = ("txt", "bin")
    api_version: int = EXPORTER_API_VERSION
    needs_participants: bool = False
    files: tuple[ExportFile, ...] = (ExportFile("a.txt", "text/plain", b"a"),)
    error: Exception | None = None
    seen: list[tuple[ExportOptions, int | None]] = attrs.field(factory=list)

    def export(
        self,
        bilan: PublicBilan,
        options: ExportOptions,
        participants: Sequence[ParticipantRow] | None,
    ) -> Sequence[ExportFile]:
        self.seen.append((options, None if participants is None else len(participants)))
        if self.error is not None:
            raise self.error
        return self.files


def never_load() -> Dataset:
    raise AssertionError("the data must not be read before every check has passed")


def run(
    fake: object,
    output: Path,
    *,
    load: Callable[[], Dataset] = Dataset.build,
    environ: dict[str, str] | None = None,
    **options: object,
) -> int:
    arguments: dict[str, object] = {
        "name": getattr(fake, "name", "fake"),
        "load": load,
        "output": output,
        "format": None,
        "public": False,
        "force": False,
        "key_file": None,
        "environ": environ or {},
        "registry": Registry.from_exporters([fake]),
        **YEAR,
    }
    arguments.update(options)
    return run_export_command(**arguments)  # type: ignore[arg-type]


# -- the registry --------------------------------------------------------------------------


def test_registry_from_a_list_gets_by_name() -> None:
    fake = Fake()
    registry = Registry.from_exporters([fake, Fake(name="other")])
    assert registry.names() == ["fake", "other"]
    assert registry.get("fake") is fake


def test_unknown_name_lists_the_installed_exporters() -> None:
    registry = Registry.from_exporters([Fake(), Fake(name="autre")])
    with pytest.raises(UsageError, match=r"« fak » inconnu.*installés : autre, fake"):
        registry.get("fak")


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (Fake(api_version=2), "version 2"),
        (Fake(api_version=0), "version 0"),
        (attrs.evolve(Fake(), formats=()), "formats"),
        (attrs.evolve(Fake(), formats="xlsx"), "formats"),  # type: ignore[arg-type]
        (attrs.evolve(Fake(), needs_participants="non"), "needs_participants"),  # type: ignore[arg-type]
        (attrs.evolve(Fake(), api_version=True), "api_version"),
        (Fake, "classe"),
        (object(), "attribut « name » manquant"),
    ],
)
def test_wrong_shapes_are_refused_with_their_reason(obj: object, message: str) -> None:
    registry = Registry.from_exporters([obj])
    loaded, failures = registry.load_all()
    assert loaded == []
    (failure,) = failures
    assert message in failure.error
    with pytest.raises(PluginError, match="n'a pas pu être chargé"):
        registry.get(registry.names()[0])


def test_a_duplicate_name_is_reported_and_the_first_kept() -> None:
    first, second = Fake(), Fake(title="Doublon")
    loaded, failures = Registry.from_exporters([first, second]).load_all()
    assert [item.exporter for item in loaded] == [first]
    assert "déjà pris" in failures[0].error


FAKE_MODULES = ("fake_boom", "fake_shapes", "fake_absent_module")

FAKE_SHAPES = """
from citeslab_core.exporting import ExportFile

class Good:
    name = "good"
    title = "Un bon exportateur"
    formats = ("txt",)
    api_version = 1
    needs_participants = False

    def export(self, bilan, options, participants):
        return [ExportFile("bon.txt", "text/plain", str(bilan.accompanied).encode())]

class Old(Good):
    name = "old"
    api_version = 0

class Misnamed(Good):
    name = "autre_nom"

good = Good()
old_exporter = Old()
misnamed = Misnamed()
not_an_exporter = {"name": "wrong"}
ExporterClass = Good
"""

ENTRY_POINTS = """\
[citeslab.exporters]
absent = fake_absent_module:exporter
boom = fake_boom:exporter
wrong = fake_shapes:not_an_exporter
old = fake_shapes:old_exporter
missing_attr = fake_shapes:nothing_here
klass = fake_shapes:ExporterClass
misnamed = fake_shapes:misnamed
good = fake_shapes:good
"""


@pytest.fixture
def broken_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A real fake distribution on sys.path: ``fake 0.1`` with broken and good exporters."""
    site = tmp_path / "site"
    dist = site / "fake-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: fake\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(ENTRY_POINTS)
    (site / "fake_boom.py").write_text("raise RuntimeError('boum au chargement')\n")
    (site / "fake_shapes.py").write_text(FAKE_SHAPES)
    monkeypatch.syspath_prepend(str(site))
    yield site
    for name in FAKE_MODULES:
        sys.modules.pop(name, None)


EXPECTED_FAILURES = {
    "absent": "ModuleNotFoundError",
    "boom": "RuntimeError: boum au chargement",
    "wrong": "ce n'est pas un exportateur",
    "old": "version 0 du contrat",
    "missing_attr": "AttributeError",
    "klass": "classe",
    "misnamed": "s'appelle « autre_nom »",
}


@pytest.mark.usefixtures("broken_plugins")
def test_broken_plugins_are_kept_with_their_distribution() -> None:
    registry = Registry.from_entry_points()
    assert {"bpi", "pic", "contrat_de_ville", "good", *EXPECTED_FAILURES} <= set(registry.names())
    assert not any(name in sys.modules for name in FAKE_MODULES)  # nothing imported yet
    registry.get("bpi")
    assert not any(name in sys.modules for name in FAKE_MODULES)  # loaded by name only
    loaded, failures = registry.load_all()
    assert {item.exporter.name for item in loaded} >= {"bpi", "pic", "contrat_de_ville", "good"}
    by_name = {f.name: f for f in failures}
    assert set(by_name) == set(EXPECTED_FAILURES)
    for name, error in EXPECTED_FAILURES.items():
        assert error in by_name[name].error
        assert (by_name[name].distribution, by_name[name].version) == ("fake", "0.1")
    good = next(item for item in loaded if item.exporter.name == "good")
    assert (good.distribution, good.version) == ("fake", "0.1")
    builtin = next(item for item in loaded if item.exporter.name == "bpi")
    assert builtin.distribution == "citeslab"


@pytest.mark.usefixtures("broken_plugins")
def test_citeslab_exporters_lists_errors_and_builtins_still_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["exporters"]) == 0
    text = capsys.readouterr().out
    assert text == describe_exporters() + "\n"
    installed, _, broken = text.partition("n'ont pas pu être chargés")
    assert "- bpi : Bpifrance" in installed
    assert "- good : Un bon exportateur" in installed
    assert "paquet fake 0.1" in installed
    for name, error in EXPECTED_FAILURES.items():
        assert f"- {name} (" in broken
        assert error in broken
    assert "paquet fake 0.1" in broken

    out = tmp_path / "sortie"
    assert main(["export", "bpi", "--example", "--year", "2023", "-o", str(out)]) == 0
    assert (out / "bpi_2023.xlsx").exists()
    assert main(["export", "good", "--example", "--year", "2023", "-o", str(out)]) == 0
    assert (out / "bon.txt").read_text() == "118"
    capsys.readouterr()
    assert main(["export", "boom", "--example", "--year", "2023", "-o", str(out)]) == 2
    assert "boum au chargement" in capsys.readouterr().err


# -- the export command ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../x.txt", "a/b.txt", "a\\b.txt", "..", ".", ".cache", "", "x\x00y", "/etc/x"]
)
def test_file_names_must_be_plain(name: str) -> None:
    assert check_file_name(name) is not None


@pytest.mark.parametrize("name", ["bpi_2023.xlsx", "datapackage.json", "a..b.csv", "é.csv"])
def test_plain_file_names_pass(name: str) -> None:
    assert check_file_name(name) is None


@pytest.mark.parametrize(
    "files",
    [
        (ExportFile("../evade.txt", "text/plain", b"x"),),
        (ExportFile("ok.txt", "text/plain", b"x"), ExportFile("sub/x.txt", "text/plain", b"x")),
        (ExportFile("a.txt", "text/plain", b"x"), ExportFile("a.txt", "text/plain", b"y")),
        (ExportFile("a.txt", "text/plain", "texte"),),  # type: ignore[arg-type]
    ],
)
def test_refused_files_write_nothing(
    tmp_path: Path, files: tuple[ExportFile, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sortie"
    assert run(Fake(files=files), out) == 1
    assert "fichiers refusés" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # not even the folder


def test_a_plugin_that_fails_is_named_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(Fake(error=ZeroDivisionError("division")), tmp_path / "o") == 1
    assert "« fake » a échoué : ZeroDivisionError: division" in capsys.readouterr().err


def test_files_are_written_with_their_modes_into_a_new_folder(tmp_path: Path) -> None:
    files = (
        ExportFile("public.txt", "text/plain", b"p"),
        ExportFile("personnes.csv", "text/csv", b"q", private=True),
    )
    out = tmp_path / "a" / "b"
    fake = Fake(files=files)
    assert run(fake, out, format="bin") == 0
    assert fake.seen == [(ExportOptions("bin", False), None)]
    assert (out / "public.txt").read_bytes() == b"p"
    assert stat.S_IMODE(os.stat(out / "public.txt").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(out / "personnes.csv").st_mode) == 0o600


def test_one_existing_file_stops_all(tmp_path: Path) -> None:
    files = (ExportFile("new.txt", "text/plain", b"n"), ExportFile("old.txt", "text/plain", b"o"))
    (tmp_path / "old.txt").write_bytes(b"keep")
    with pytest.raises(UsageError, match="--force"):
        run(Fake(files=files), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.txt"]
    assert (tmp_path / "old.txt").read_bytes() == b"keep"
    assert run(Fake(files=files), tmp_path, force=True) == 0
    assert (tmp_path / "old.txt").read_bytes() == b"o"


def test_everything_is_checked_before_the_data_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "fichier"
    a_file.write_text("")
    with pytest.raises(UsageError, match="pas un dossier"):
        run(Fake(), a_file, load=never_load)
    with pytest.raises(UsageError, match="Formats possibles : txt, bin"):
        run(Fake(), tmp_path, load=never_load, format="xlsx")
    needs = Fake(name="pers", needs_participants=True)
    with pytest.raises(UsageError, match="pas un document public"):
        run(needs, tmp_path, load=never_load, public=True)
    # A key to give is a usage error (FORMATS §3), refused before the data is read.
    with pytest.raises(UsageError, match="clé des pseudonymes absente"):
        run(needs, tmp_path, load=never_load)
    with pytest.raises(UsageError, match="introuvable"):
        run(needs, tmp_path, load=never_load, key_file=tmp_path / "absente")
    assert not (tmp_path / "a.txt").exists()


def test_participants_reach_only_exporters_that_need_them(tmp_path: Path) -> None:
    needs = Fake(name="pers", needs_participants=True)
    environ = {KEY_ENV: "une clé de test suffisamment longue"}
    assert run(needs, tmp_path, environ=environ) == 0
    assert needs.seen == [(ExportOptions("txt", False), 0)]


# -- the third-party example, installed for real ------------------------------------------


def install_example(site: Path) -> str:
    """Install examples/citeslab-exporter-region into ``site`` with pip, as a user would
    (``pip install examples/citeslab-exporter-region``), but into a folder of its own so
    that the test leaves the environment as it was."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(EXAMPLE),
        ],
        check=True,
        capture_output=True,
    )
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())["project"]
    return f"{project['name']} {project['version']}"


@pytest.fixture(scope="session")
def region_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    site = tmp_path_factory.mktemp("site")
    return site, install_example(site)


@pytest.fixture
def region(region_site: tuple[Path, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    site, installed = region_site
    monkeypatch.syspath_prepend(str(site))
    yield installed
    sys.modules.pop("citeslab_exporter_region", None)


def test_third_party_example_runs_through_citeslab_export(
    region: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert region == "citeslab-exporter-region 0.1.0"
    assert main(["exporters"]) == 0
    text = capsys.readouterr().out
    assert "- region_bretagne : Région Bretagne" in text
    assert f"paquet {region}" in text
    out = tmp_path / "region"
    assert main(["export", "region_bretagne", "--example", "--year", "2023", "-o", str(out)]) == 0
    book = load_workbook(out / "region_bretagne_2023.xlsx")
    assert book["Indicateurs"]["B2"].value == 118  # no column of codes in the workbook
    assert (
        main(
            [
                "export",
                "region_bretagne",
                "--example",
                "--year",
                "2023",
                "-o",
                str(out),
                "--format",
                "csv",
            ]
        )
        == 0
    )
    assert (out / "datapackage.json").exists()
    # its own help, read through the isolation like every other attribute
    with pytest.raises(SystemExit):
        main(["export", "region_bretagne", "--help"])
    help_text = capsys.readouterr().out
    assert "Exportateur « region_bretagne » : Région Bretagne" in help_text
    assert "les secteurs des projets et la part de la Région" in help_text.replace("\n", " ")
    assert "region_bretagne_PERIODE_TABLEAU.csv" in help_text


@pytest.mark.usefixtures("region")
def test_third_party_example_passes_its_own_tests() -> None:
    path = EXAMPLE / "tests" / "test_region.py"
    spec = importlib.util.spec_from_file_location("example_test_region", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    tests = [getattr(module, name) for name in dir(module) if name.startswith("test_")]
    assert len(tests) >= 4
    for test in tests:
        test()
