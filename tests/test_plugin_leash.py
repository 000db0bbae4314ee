"""Issue 28 item 6, plug-ins on a leash: a time limit, output only through the kit, names
checked, no key in the child nor readable from the parent, a built-in never shadowed, the
terminal never given a plug-in's escape sequences. Each hostile plug-in is its own small
entry point (the pattern of tests/test_plugin_containment.py)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from citeslab_core.bilan import compute_bilan
from citeslab_core.cli import main
from citeslab_core.errors import PluginError, UsageError
from citeslab_core.exporting import IsolatedExporter, Registry
from citeslab_core.exporting._contract import MAX_FILES, check_file_name, clean_text
from citeslab_core.exporting.privacy import KEY_ENV
from citeslab_core.readers.example import load_example

KEY = "une clé de test suffisamment longue pour passer"
ESC = "\x1b]0;pwned\x07\x1b[2J"

PLUGINS = '''
import os
import sys
import time

from citeslab_core.exporting import ExportFile


class Base:
    name = "base"
    title = "Base"
    formats = ("txt",)
    api_version = 1
    needs_participants = False

    def files(self):
        return [ExportFile(self.name + ".txt", "text/plain", b"ok")]

    def export(self, bilan, options, participants):
        return self.files()


class Sleeper(Base):
    name = "dormeur"

    def export(self, bilan, options, participants):
        while True:
            time.sleep(0.05)


class Writer(Base):
    """Writes beside its answer, relative and absolute, and hides the refusal."""

    name = "ecrivain"

    def export(self, bilan, options, participants):
        for target in ("../evade.txt", os.environ["LEASH_TARGET"]):
            try:
                with open(target, "w") as out:
                    out.write("évadé")
            except OSError:
                pass
        try:
            os.system("touch " + os.environ["LEASH_TARGET"] + ".sh")
        except OSError:
            pass
        return self.files()


class Scratch(Base):
    """Uses a temporary file of its own folder: allowed."""

    name = "brouillon"

    def export(self, bilan, options, participants):
        import tempfile

        with tempfile.NamedTemporaryFile() as scratch:
            scratch.write(b"x")
        with open("brouillon.tmp", "w") as out:
            out.write("x")
        return self.files()


class ProcSpy(Base):
    name = "procs"

    def export(self, bilan, options, participants):
        found = []
        for pid in {os.getppid(), int(os.environ.get("LEASH_PARENT", "0")) or os.getppid()}:
            for part in ("environ", "cmdline"):
                try:
                    with open(f"/proc/{pid}/{part}", "rb") as source:
                        found.append(source.read())
                except OSError as exc:
                    found.append(f"refusé {part}: {exc}".encode())
        found.append(("CLE=" + os.environ.get("CITESLAB_PSEUDO_KEY", "")).encode())
        return [ExportFile("procs.txt", "text/plain", b"\\n".join(found))]


class Noisy(Base):
    name = "bruyant"
    title = "Titre \\x1b[31mrouge\\x1b]0;pwned\\x07"

    def export(self, bilan, options, participants):
        print("affiché \\x1b[2J\\x1b]0;pwned\\x07 ici", file=sys.stderr)
        print("x" * 200_000)
        raise RuntimeError("erreur \\x1b[31m\\u202etxt.exe")


class Named(Base):
    def __init__(self, name, file_name):
        self.name = name
        self.file_name = file_name

    def export(self, bilan, options, participants):
        return [ExportFile(self.file_name, "text/plain", b"x")]


class Many(Base):
    name = "nombreux"

    def export(self, bilan, options, participants):
        return [ExportFile(f"f{i}.txt", "text/plain", b"") for i in range(20_000)]


class ShadowBpi(Base):
    name = "bpi"
    title = "Faux BPI"

    def export(self, bilan, options, participants):
        with open(os.environ["LEASH_TARGET"], "w") as out:
            out.write("remplacé")
        return self.files()


sleeper = Sleeper()
writer = Writer()
scratch = Scratch()
procs = ProcSpy()
noisy = Noisy()
bidi = Named("bidi", "facture\\u202ecod.exe")
control = Named("controle", "a\\x1b[2Jb.txt")
surrogate = Named("substitut", "a\\udc80.txt")
many = Many()
shadow = ShadowBpi()
'''

LOOP_AT_IMPORT = "while True:\n    pass\n"

ENTRY_POINTS = """\
[citeslab.exporters]
dormeur = leash_plugins:sleeper
ecrivain = leash_plugins:writer
brouillon = leash_plugins:scratch
procs = leash_plugins:procs
bruyant = leash_plugins:noisy
bidi = leash_plugins:bidi
controle = leash_plugins:control
substitut = leash_plugins:surrogate
nombreux = leash_plugins:many
bpi = leash_plugins:shadow
boucle = leash_loop:exporter
"""


@pytest.fixture
def leash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    site = tmp_path / "site"
    dist = site / "leash-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: leash\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(ENTRY_POINTS)
    (site / "leash_plugins.py").write_text(PLUGINS)
    (site / "leash_loop.py").write_text(LOOP_AT_IMPORT)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv(KEY_ENV, KEY)
    monkeypatch.setenv("CITESLAB_DELAI_GREFFON", "3")
    monkeypatch.setenv("LEASH_TARGET", str(tmp_path / "dehors.txt"))
    yield site
    for name in ("leash_plugins", "leash_loop"):
        sys.modules.pop(name, None)


def export(name: str, out: Path, *extra: str) -> int:
    return main(["exporter", name, "--exemple", "--annee", "2023", "-o", str(out), *extra])


@pytest.mark.usefixtures("leash")
def test_an_exporter_that_loops_is_stopped_at_the_time_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    begun = time.monotonic()
    assert export("dormeur", tmp_path / "o") == 1
    assert time.monotonic() - begun < 30
    err = capsys.readouterr().err
    assert "« dormeur » n'a pas répondu en 3 secondes : arrêté" in err
    assert "CITESLAB_DELAI_GREFFON" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.usefixtures("leash")
def test_an_exporter_that_loops_at_import_does_not_hang_the_list(
    capsys: pytest.CaptureFixture[str],
) -> None:
    begun = time.monotonic()
    assert main(["exportateurs"]) == 0
    assert time.monotonic() - begun < 60
    out = capsys.readouterr().out
    _, _, broken = out.partition("n'ont pas pu être chargés")
    assert "- boucle (leash_loop:exporter)" in broken
    assert "n'a pas répondu en 3 secondes" in broken


def test_the_time_limit_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITESLAB_DELAI_GREFFON", "bientôt")
    with pytest.raises(UsageError, match="CITESLAB_DELAI_GREFFON"):
        Registry.from_entry_points()
    with pytest.raises(UsageError, match="nombre de secondes"):
        Registry.from_entry_points(timeout=-1)


@pytest.mark.usefixtures("leash")
def test_writing_outside_is_refused_and_fails_the_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export("ecrivain", tmp_path / "o") == 1
    err = capsys.readouterr().err
    assert "a tenté d'agir hors de son dossier" in err
    assert "dehors.txt" in err
    assert "lancer un programme" in err
    assert not (tmp_path / "dehors.txt").exists()
    assert not (tmp_path / "dehors.txt.sh").exists()
    assert not (tmp_path / "o").exists()


@pytest.mark.usefixtures("leash")
def test_its_own_scratch_folder_is_allowed(tmp_path: Path) -> None:
    assert export("brouillon", tmp_path / "o") == 0
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["brouillon.txt"]


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.geteuid() == 0,
    reason="Linux's /proc; root reads any process's files whatever prctl says",
)
def test_the_child_has_no_key_and_cannot_read_the_parents_proc_files(leash: Path) -> None:
    """The command line in its own process (prctl is process-wide), run as an ordinary
    user: the plug-in reads its parent's /proc files and finds nothing."""
    import shutil
    import tempfile

    shared = Path(tempfile.mkdtemp(prefix="citeslab-laisse-"))
    try:
        shared.chmod(0o777)  # readable by the unprivileged user below
        site = shared / "site"
        shutil.copytree(leash, site)
        for path in [site, *site.rglob("*")]:
            path.chmod(0o755)
        out = shared / "o"
        command = [sys.executable, "-m", "citeslab_core.cli", "exporter", "procs", "--exemple"]
        command += ["--annee", "2023", "-o", str(out)]
        environ = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(site), *sys.path]),
            "HOME": str(shared),
        }
        done = subprocess.run(command, env=environ, capture_output=True, cwd=shared, check=False)
        assert done.returncode == 0, done.stderr.decode()
        found = (out / "procs.txt").read_bytes()
    finally:
        shutil.rmtree(shared, ignore_errors=True)
    assert KEY.encode() not in found
    assert found.endswith(b"CLE=")
    assert b"refus\xc3\xa9 environ" in found
    assert b"refus\xc3\xa9 cmdline" in found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_the_command_line_makes_itself_undumpable_the_library_does_not() -> None:
    code = (
        "import ctypes\n"
        "libc = ctypes.CDLL(None)\n"
        "import citeslab_core, citeslab_core.exporting, citeslab_core.cli\n"
        "before = libc.prctl(3, 0, 0, 0, 0)\n"
        "citeslab_core.cli.main(['exportateurs'])\n"
        "print(before, libc.prctl(3, 0, 0, 0, 0))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split()[-2:] == ["1", "0"]


@pytest.mark.usefixtures("leash")
def test_a_third_party_bpi_never_runs_in_place_of_the_builtin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = Registry.from_entry_points()
    assert not isinstance(registry.get("bpi"), IsolatedExporter)
    assert registry.load("bpi").distribution == "citeslab"
    assert export("bpi", tmp_path / "o") == 0
    assert not (tmp_path / "dehors.txt").exists()
    capsys.readouterr()
    assert main(["exportateurs"]) == 0
    out = capsys.readouterr().out
    _, _, broken = out.partition("n'ont pas pu être chargés")
    assert "- bpi (leash_plugins:shadow)" in broken
    assert "nom réservé à l'exportateur intégré « bpi »" in broken


@pytest.mark.usefixtures("leash")
def test_nothing_a_plugin_prints_reaches_the_terminal_raw(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export("bruyant", tmp_path / "o") == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "\x07" not in err
    assert "\u202e" not in err
    assert "[bruyant] affiché \\x1b[2J\\x1b]0;pwned\\x07 ici" in err
    assert "erreur \\x1b[31m\\u202etxt.exe" in err
    assert "octets de plus non affichés" in err
    assert len(err) < 40_000
    assert main(["exportateurs"]) == 0
    out = capsys.readouterr().out
    assert "- bruyant : Titre \\x1b[31mrouge\\x1b]0;pwned\\x07" in out
    assert "\x1b" not in out


@pytest.mark.usefixtures("leash")
@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("bidi", "facture\\u202ecod.exe"),
        ("controle", "a\\x1b[2Jb.txt"),
        ("substitut", "a\\udc80.txt"),
    ],
)
def test_unsafe_file_names_are_refused_and_shown_escaped(
    name: str, shown: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(name, tmp_path / "o") == 1
    err = capsys.readouterr().err
    assert f"« {shown} » contient un caractère de contrôle" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists()


@pytest.mark.usefixtures("leash")
def test_twenty_thousand_files_are_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export("nombreux", tmp_path / "o") == 1
    err = capsys.readouterr().err
    assert f"a rendu 20000 fichiers : au plus {MAX_FILES}" in err
    assert len(err) < 2000
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "name",
    ["a/b", "a\\b", "..", ".cache", "a\x00b", "a\nb", "a\u202eb", "a\u200bb", "a\ud800", " a"],
)
def test_check_file_name_refuses(name: str) -> None:
    assert check_file_name(name) is not None


@pytest.mark.parametrize("name", ["bpi_2023.xlsx", "Données été 2023.csv", "a-b_c.d.json"])
def test_check_file_name_accepts(name: str) -> None:
    assert check_file_name(name) is None


def test_clean_text_shows_every_control_never_obeys_it() -> None:
    assert clean_text("a\x1b[2Jb\x7f\x9b") == "a\\x1b[2Jb\\x7f\\x9b"
    assert clean_text("a\nb\tc", keep_lines=True) == "a\nb\tc"
    assert clean_text("a\nb") == "a\\x0ab"
    assert clean_text("é à 12\u202f%") == "é à 12\u202f%"


def test_registry_export_is_the_public_contained_path(tmp_path: Path) -> None:
    """The library's own path: a list registry's exporter, run, checked, stamped, written."""

    class Bad:
        name = "mauvais"
        title = "Mauvais"
        formats = ("txt",)
        api_version = 1
        needs_participants = False

        def export(self, bilan: object, options: object, participants: object) -> object:
            from citeslab_core.exporting import ExportFile

            return [ExportFile("../x.txt", "text/plain", b"x")]

    class Good(Bad):
        name = "bon"

        def export(self, bilan: object, options: object, participants: object) -> object:
            from citeslab_core.exporting import ExportFile

            assert getattr(bilan, "provenance", None) is not None
            return [ExportFile("bon.txt", "text/plain", b"ok")]

    registry = Registry.from_exporters([Bad(), Good()])
    bilan = compute_bilan(load_example(), dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    with pytest.raises(PluginError, match="séparateur de dossier"):
        registry.export("mauvais", bilan, tmp_path / "o")
    assert not (tmp_path / "o").exists()
    written = registry.export("bon", bilan, tmp_path / "o")
    assert written == [tmp_path / "o" / "bon.txt"]
    assert written[0].read_bytes() == b"ok"
    with pytest.raises(UsageError, match=r"--force|existe"):
        registry.export("bon", bilan, tmp_path / "o")
    registry.export("bon", bilan, tmp_path / "o", force=True)
