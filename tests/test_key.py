"""The pseudonymisation key a site makes once (``citeslab cle``), and each exporter's own
help (``citeslab export NOM --help``)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest

from citeslab_core.bilan import PublicBilan
from citeslab_core.cli import main
from citeslab_core.cli._exporter_help import exporter_help
from citeslab_core.exporting import EXPORTER_API_VERSION, ExportFile, ExportOptions, Registry
from citeslab_core.exporting.privacy import KEY_ENV, NEW_KEY_BYTES, ParticipantRow, load_key


def pseudonyms(folder: Path) -> list[str]:
    document = json.loads((folder / "pic_2023.json").read_text(encoding="utf-8"))
    return [row["pseudonyme"] for row in document["tables"]["participants"]["lignes"]]


def export_pic(key: Path, output: Path) -> int:
    return main(
        [
            *("export", "pic", "--example", "--year", "2023", "-o", str(output)),
            *("--format", "json", "--key-file", str(key)),
        ]
    )


def test_cle_then_export_pic_works_and_the_same_key_gives_the_same_pseudonyms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "cle-citeslab.txt"
    assert main(["cle", str(key)]) == 0
    out = capsys.readouterr().out
    assert f"Clé de pseudonymisation écrite : {key}" in out
    assert "Pourquoi la même chaque année" in out
    assert "ne la transmettez jamais" in out  # where (not) to keep it
    assert f"--cle {key}" in out
    assert export_pic(key, tmp_path / "a") == 0
    assert export_pic(key, tmp_path / "b") == 0
    first = pseudonyms(tmp_path / "a")
    assert first
    assert first == pseudonyms(tmp_path / "b")
    assert len(set(first)) == len(first)
    # another key, other pseudonyms
    other = tmp_path / "autre.txt"
    assert main(["cle", str(other)]) == 0
    assert export_pic(other, tmp_path / "c") == 0
    assert not set(pseudonyms(tmp_path / "c")) & set(first)


def test_the_key_is_random_long_enough_and_reads_back(tmp_path: Path) -> None:
    keys = []
    for name in ("k1", "k2"):
        assert main(["cle", str(tmp_path / name)]) == 0
        text = (tmp_path / name).read_text(encoding="ascii")
        assert text.endswith("\n")
        assert len(text.strip()) == 2 * NEW_KEY_BYTES
        int(text, 16)  # hexadecimal
        keys.append(load_key(tmp_path / name, {}))
    assert keys[0] != keys[1]


@pytest.mark.skipif(os.name != "posix", reason="file modes exist only on POSIX systems")
def test_the_key_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    key = tmp_path / "cle.txt"
    assert main(["cle", str(key)]) == 0
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_an_existing_file_is_never_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "cle.txt"
    assert main(["cle", str(key)]) == 0
    before = key.read_bytes()
    capsys.readouterr()
    assert main(["cle", str(key)]) == 2
    assert "existe déjà" in " ".join(capsys.readouterr().err.split())
    assert key.read_bytes() == before
    # not even through the English alias, nor through a link
    assert main(["key", str(key)]) == 2
    link = tmp_path / "lien.txt"
    link.symlink_to(tmp_path / "absent.txt")
    assert main(["cle", str(link)]) == 2
    assert not (tmp_path / "absent.txt").exists()


def test_the_missing_key_error_points_to_citeslab_cle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    code = main(["export", "pic", "--example", "--year", "2023", "-o", str(tmp_path / "x")])
    assert code == 2  # a usage error: an option to give (FORMATS §3)
    assert "citeslab cle FICHIER" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


# -- each exporter's own help ------------------------------------------------------------


def help_of(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 0
    return capsys.readouterr().out


def test_export_pic_help_is_the_pic_exporters_own(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_of(["export", "pic", "--help"], capsys)
    assert "Exportateur « pic » : PIC : fichier des participants" in text
    assert "une ligne par personne" in text  # its description
    assert "Formats : xlsx, csv, json (par défaut : xlsx)" in text
    assert "pic_PERIODE.xlsx" in text  # its files
    assert "--cle FICHIER" in text
    assert "citeslab cle FICHIER" in text
    assert "refusé" in text  # --public, for a file per person


def test_export_help_differs_by_exporter(capsys: pytest.CaptureFixture[str]) -> None:
    bpi = help_of(["export", "bpi", "-h"], capsys)
    assert "Exportateur « bpi » : Bpifrance" in bpi
    assert "part de Bpifrance" in bpi
    assert "masquer les petits effectifs" in bpi
    assert "citeslab cle" not in bpi.split("Exportateur « bpi »")[1]
    cdv = help_of(["export", "contrat_de_ville", "--help"], capsys)
    assert "compte rendu financier" in cdv
    plain = help_of(["export", "--help"], capsys)
    assert "citeslab exporter NOM --help" in plain
    unknown = help_of(["export", "inconnu", "--help"], capsys)
    assert "exportateur « inconnu » inconnu" in unknown


@attrs.frozen
class ThirdParty:
    """A third party's exporter, with or without the optional help attributes."""

    name: str = "region"
    title: str = "Région : bilan"
    formats: tuple[str, ...] = ("ods", "csv")
    api_version: int = EXPORTER_API_VERSION
    needs_participants: bool = False

    def export(
        self,
        bilan: PublicBilan,
        options: ExportOptions,
        participants: Sequence[ParticipantRow] | None,
    ) -> Sequence[ExportFile]:
        return ()


@attrs.frozen
class Described(ThirdParty):
    description: str = "Le bilan que demande la Région,\nen deux feuilles."
    file_help: tuple[str, ...] = ("region_PERIODE.ods : le classeur de la Région",)


@attrs.frozen
class OddlyTyped(ThirdParty):
    """An older plug-in whose attributes of those names mean something else."""

    description: int = 3
    file_help: tuple[ExportFile, ...] = (ExportFile("a.txt", "text/plain", b"a"),)


def test_a_third_partys_help_comes_from_its_own_attributes() -> None:
    text = exporter_help("region", Registry.from_exporters([Described()]))
    assert "Exportateur « region » : Région : bilan" in text
    assert "Le bilan que demande la Région,\nen deux feuilles." in text
    assert "region_PERIODE.ods : le classeur de la Région" in text
    assert "Formats : ods, csv (par défaut : ods)" in text


def test_a_plugin_without_the_optional_attributes_still_loads_and_has_a_help() -> None:
    for plugin in (ThirdParty(), OddlyTyped()):
        registry = Registry.from_exporters([plugin])
        loaded, failures = registry.load_all()
        assert failures == []
        assert len(loaded) == 1
        text = exporter_help("region", registry)
        assert "Exportateur « region » : Région : bilan" in text
        assert "region_PERIODE.ods : un classeur OpenDocument" in text  # made from formats
        assert "region_PERIODE_TABLEAU.csv" in text
        assert "a.txt" not in text
        assert "\n3\n" not in text
