"""Issue 15, plug-ins: every access contained (BaseException included), file modes set by
the library, third-party plug-ins isolated in a process that never receives the records."""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from citeslab_core.cli import main
from citeslab_core.cli._export import run_export_command
from citeslab_core.cli._exporter_help import describe_exporters
from citeslab_core.exporting import IsolatedExporter, PluginError, Registry
from citeslab_core.exporting.privacy import KEY_ENV
from citeslab_core.readers.example import load_example

KEY = "une clé de test suffisamment longue"

PLUGINS = '''
import gc
import os
import sys

from citeslab_core.exporting import ExportFile


class Base:
    name = "base"
    title = "Base"
    formats = ("txt",)
    api_version = 1
    needs_participants = False

    def export(self, bilan, options, participants):
        return [ExportFile(self.name + ".txt", "text/plain", b"ok")]


class RaisingName(Base):
    @property
    def name(self):
        raise RuntimeError("nom en panne")


class RaisingFormats(Base):
    name = "formats_en_panne"

    @property
    def formats(self):
        raise SystemExit(3)


class RaisingExportAttribute(Base):
    name = "export_en_panne"

    @property
    def export(self):
        raise ValueError("pas d'export")


class ExitInExport(Base):
    name = "sortie_42"

    def export(self, bilan, options, participants):
        raise SystemExit(42)


class InterruptInExport(Base):
    name = "interruption"

    def export(self, bilan, options, participants):
        raise KeyboardInterrupt


class Killer(Base):
    name = "tueur"

    def export(self, bilan, options, participants):
        os._exit(3)


class Loose(Base):
    """Needs the participants, and asks for a file everyone can read."""

    name = "laxiste"
    needs_participants = True

    def export(self, bilan, options, participants):
        return [ExportFile("personnes.csv", "text/csv", b"p", private=False)]


class Spy(Base):
    """Reads its caller's frames and its environment, and writes what it found."""

    name = "espion"
    needs_participants = True

    def export(self, bilan, options, participants):
        seen = []
        frame = sys._getframe(1)
        while frame is not None:
            seen.append(repr(frame.f_locals))
            for value in list(frame.f_locals.values()):
                cells = getattr(value, "__closure__", None) or ()
                for candidate in [value, *(c.cell_contents for c in cells)]:
                    for person in getattr(candidate, "persons", ()):
                        seen.append(repr((person.phone, person.email)))
            frame = frame.f_back
        for obj in gc.get_objects():  # every record alive in the process
            if type(obj).__name__ in ("Person", "Dataset"):
                seen.append(repr([getattr(obj, f, None) for f in ("phone", "email", "persons")]))
                for person in getattr(obj, "persons", ()):
                    seen.append(repr((person.phone, person.email)))
        seen.append("CLE=" + os.environ.get("CITESLAB_PSEUDO_KEY", ""))
        seen.append("CWD=" + repr(os.listdir(".")))
        print("bavard sur la sortie standard")
        return [ExportFile("espion.txt", "text/plain", "\\n".join(seen).encode("utf-8"))]


raising_name = RaisingName()
raising_formats = RaisingFormats()
raising_export = RaisingExportAttribute()
exit_in_export = ExitInExport()
interrupt = InterruptInExport()
killer = Killer()
loose = Loose()
spy = Spy()
'''

ENTRY_POINTS = """\
[citeslab.exporters]
nom_en_panne = hostile_plugins:raising_name
formats_en_panne = hostile_plugins:raising_formats
export_en_panne = hostile_plugins:raising_export
sortie_42 = hostile_plugins:exit_in_export
interruption = hostile_plugins:interrupt
tueur = hostile_plugins:killer
laxiste = hostile_plugins:loose
espion = hostile_plugins:spy
sortie_7 = hostile_exit:exporter
"""


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    site = tmp_path / "site"
    dist = site / "hostile-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: hostile\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(ENTRY_POINTS)
    (site / "hostile_plugins.py").write_text(PLUGINS)
    (site / "hostile_exit.py").write_text("import sys\nsys.exit(7)\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv(KEY_ENV, KEY)
    yield site
    for name in ("hostile_plugins", "hostile_exit"):
        sys.modules.pop(name, None)


def export(name: str, out: Path, *extra: str) -> int:
    return main(["export", name, "--example", "--year", "2023", "-o", str(out), *extra])


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("isolate", [True, False])
def test_citeslab_exporters_survives_every_hostile_plugin(
    isolate: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    text = describe_exporters(Registry.from_entry_points(isolate=isolate))
    installed, _, broken = text.partition("n'ont pas pu être chargés")
    assert "- bpi : " in installed
    assert "- sortie_42 : Base" in installed
    assert "nom en panne" in broken
    assert "« formats » a échoué : SystemExit: 3" in broken
    assert "« export » a échoué : ValueError: pas d'export" in broken
    assert "chargement impossible : SystemExit: 7" in broken
    assert "hostile_exit" not in sys.modules or not isolate


@pytest.mark.usefixtures("hostile")
def test_the_command_lists_them_with_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exporters"]) == 0
    out = capsys.readouterr()
    assert "SystemExit: 7" in out.out
    assert "Traceback" not in out.err
    assert "hostile_plugins" not in sys.modules  # third-party code never ran in here


@pytest.mark.usefixtures("hostile")
def test_a_system_exit_in_export_is_exit_1_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export("sortie_42", tmp_path / "o") == 1
    err = capsys.readouterr().err
    assert "« sortie_42 » a échoué : SystemExit: 42" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.usefixtures("hostile")
def test_a_system_exit_in_export_in_process_too(tmp_path: Path) -> None:
    registry = Registry.from_entry_points(isolate=False)
    code = run_export_command(
        name="sortie_42",
        load=load_example,
        start=dt.date(2023, 1, 1),
        end=dt.date(2023, 12, 31),
        output=tmp_path / "o",
        format=None,
        public=False,
        force=False,
        key_file=None,
        environ={},
        registry=registry,
    )
    assert code == 1


@pytest.mark.usefixtures("hostile")
def test_a_plugin_that_kills_its_process_is_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export("tueur", tmp_path / "o") == 1
    assert "arrêté son processus sans répondre (code de sortie 3)" in capsys.readouterr().err


@pytest.mark.usefixtures("hostile")
def test_a_keyboard_interrupt_stays_the_users_abort(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export("interruption", tmp_path / "o") == 130
    assert "Interrompu" in capsys.readouterr().err


@pytest.mark.usefixtures("hostile")
def test_a_broken_attribute_asked_by_name_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export("export_en_panne", tmp_path / "o") == 2
    assert "pas d'export" in capsys.readouterr().err


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("isolate", [True, False])
def test_participant_files_are_0600_whatever_the_plugin_says(tmp_path: Path, isolate: bool) -> None:
    out = tmp_path / "o"
    code = run_export_command(
        name="laxiste",
        load=load_example,
        start=dt.date(2023, 1, 1),
        end=dt.date(2023, 12, 31),
        output=out,
        format=None,
        public=False,
        force=False,
        key_file=None,
        environ={KEY_ENV: KEY},
        registry=Registry.from_entry_points(isolate=isolate),
    )
    assert code == 0
    assert stat.S_IMODE(os.stat(out / "personnes.csv").st_mode) == 0o600


def personal_values() -> set[str]:
    """Phones and e-mails of the example: they appear nowhere but in the records."""
    values: set[str] = set()
    for person in load_example().persons:
        values.update(v for v in (person.phone, person.email) if v)
    assert len(values) > 50
    return values


def spy_report(tmp_path: Path, *, isolate: bool) -> str:
    out = tmp_path / ("isole" if isolate else "dedans")
    data = load_example()  # alive in this process during the export, as in the CLI
    code = run_export_command(
        name="espion",
        load=lambda: data,
        start=dt.date(2023, 1, 1),
        end=dt.date(2023, 12, 31),
        output=out,
        format=None,
        public=False,
        force=False,
        key_file=None,
        environ=dict(os.environ),
        registry=Registry.from_entry_points(isolate=isolate),
    )
    assert code == 0
    return (out / "espion.txt").read_text(encoding="utf-8")


@pytest.mark.usefixtures("hostile")
def test_an_isolated_plugin_finds_no_personal_data_in_its_callers_frames(
    tmp_path: Path,
) -> None:
    found = spy_report(tmp_path, isolate=True)
    assert "ParticipantRow" in found  # it did see what it is given
    leaked = {v for v in personal_values() if v in found}
    assert leaked == set()
    assert "CLE=\n" in found  # nor the pseudonym key
    assert KEY not in found
    assert "CWD=[]" in found  # it starts in an empty folder


@pytest.mark.usefixtures("hostile")
def test_the_same_spy_in_process_does_find_them(tmp_path: Path) -> None:
    """What isolation prevents (and what makes the test above honest): in-process, the
    caller's frames hold the records."""
    found = spy_report(tmp_path, isolate=False)
    assert {v for v in personal_values() if v in found}


@pytest.mark.usefixtures("hostile")
def test_third_party_exporters_are_isolated_builtins_are_not() -> None:
    registry = Registry.from_entry_points()
    assert isinstance(registry.get("espion"), IsolatedExporter)
    assert not isinstance(registry.get("bpi"), IsolatedExporter)
    assert registry.load("espion").isolated


def test_a_list_registry_contains_raising_properties() -> None:
    class Bad:
        title = "x"
        formats = ("txt",)
        api_version = 1
        needs_participants = False

        @property
        def name(self) -> str:
            raise SystemExit(9)

        def __repr__(self) -> str:
            raise RuntimeError("repr")

    registry = Registry.from_exporters([Bad()])
    loaded, failures = registry.load_all()
    assert loaded == []
    (failure,) = failures
    assert "SystemExit: 9" in failure.error
    with pytest.raises(PluginError):
        registry.get(registry.names()[0])
