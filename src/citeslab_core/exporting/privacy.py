"""Participant-level data that can leave the library: pseudonyms, no identity, ever.

Some funders (the PIC) want one row per person. What an exporter receives for that is a
:class:`ParticipantRow`, built here by the core from the :class:`~citeslab_core.model.Dataset`:
it has **no field** for a name, a phone number, an e-mail, an address, a project idea or a
comment, nor the site's own person id, so a plug-in cannot leak what it never receives.

- The person is a **pseudonym**: HMAC-SHA256 under the site's secret key
  (``CITESLAB_PSEUDO_KEY`` or ``--cle``), over the exporter's name and the person's
  id. The same person has the same pseudonym every year under the same key (a funder can
  follow them from one file to the next), and pseudonyms of different exporters say
  nothing of one another: the PIC file's pseudonym of a person cannot be matched with the
  one in another funder's file. Without the key nobody, the funder included, can go back
  from a pseudonym to the person. Without a key there is no participant file at all.
- The birth date becomes the **age bracket** (at the first ``entretien``, as in the bilan).
- The address never leaves: the **residence status** and the **QPV code** stand for it.

The period's rows are the bilan's accompanied persons, with the bilan's own per-person
figures (:func:`citeslab_core.bilan.accompanied_persons`): their entry date is the first
``entretien``, their age bracket the bilan's, their exit the last ``sortie`` in the
period, exactly as the bilan's results.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

import attrs

from citeslab_core.bilan import accompanied_persons
from citeslab_core.errors import PseudonymKeyError
from citeslab_core.model import Dataset
from citeslab_core.readers.files import system_reason
from citeslab_core.vocabularies import (
    AgeBracket,
    EducationLevel,
    ExitResult,
    MinimumBenefit,
    ResidenceStatus,
    Sector,
    Sex,
    SituationAtEntry,
    Stage,
)

__all__ = [
    "KEY_ENV",
    "MAX_KEY_FILE_BYTES",
    "MIN_KEY_BYTES",
    "MIN_KEY_DISTINCT",
    "NEW_KEY_BYTES",
    "ParticipantRow",
    "PseudonymKeyError",
    "build_participants",
    "check_key_outside",
    "load_key",
    "new_key",
    "pseudonym",
    "write_new_key",
]

#: The environment variable holding the pseudonym key.
KEY_ENV: Final = "CITESLAB_PSEUDO_KEY"
#: The shortest key accepted, in bytes (UTF-8): a short key could be guessed.
MIN_KEY_BYTES: Final = 16
#: The fewest distinct bytes in a key: 16 NUL bytes, or ``abababab…``, are guessed at once.
MIN_KEY_DISTINCT: Final = 6
_DOMAIN: Final = b"citeslab/pseudonyme/v1"


#: The largest key file accepted, in bytes: a key is a line, not a file of data.
MAX_KEY_FILE_BYTES: Final = 4096


def _read_key_file(key_file: Path) -> tuple[bytes, list[str]]:
    """The bytes of a key file, and the warnings about it.

    The file must be a regular file (a pipe would block, a device like ``/dev/zero``
    never ends) of at most :data:`MAX_KEY_FILE_BYTES`; a key that other users can read
    gets a warning (it should be readable by its owner only: ``chmod 600``).
    """
    try:
        info = os.stat(key_file)
    except FileNotFoundError:
        raise PseudonymKeyError(
            f"fichier de clé introuvable : {key_file}. Pas encore de clé ? Créez-la avec "
            f"`citeslab cle {key_file}` (une fois pour toutes : elle dit aussi où la garder). "
            "Aucun fichier n'a été écrit."
        ) from None
    except OSError as exc:
        raise PseudonymKeyError(
            f"fichier de clé illisible : {key_file} ({system_reason(exc)})"
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise PseudonymKeyError(
            f"fichier de clé refusé : {key_file} n'est pas un fichier ordinaire (tube, "
            "périphérique ou dossier) ; mettez la clé dans un fichier. Aucun fichier n'a "
            "été écrit."
        )
    try:
        # O_NONBLOCK: should the path have become a pipe since, opening does not wait.
        handle = os.open(key_file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise PseudonymKeyError(
            f"fichier de clé illisible : {key_file} ({system_reason(exc)})"
        ) from None
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise PseudonymKeyError(
                f"fichier de clé refusé : {key_file} n'est pas un fichier ordinaire. Aucun "
                "fichier n'a été écrit."
            )
        data = stream.read(MAX_KEY_FILE_BYTES + 1)
    if len(data) > MAX_KEY_FILE_BYTES:
        raise PseudonymKeyError(
            f"fichier de clé refusé : {key_file} dépasse {MAX_KEY_FILE_BYTES} octets ; une "
            "clé tient sur une ligne. Aucun fichier n'a été écrit."
        )
    warnings = []
    if info.st_mode & stat.S_IROTH:
        warnings.append(
            f"le fichier de clé {key_file} est lisible par tous les utilisateurs de la "
            f"machine : rendez-le lisible par vous seul (chmod 600 {key_file})"
        )
    return data, warnings


def load_key(
    key_file: Path | None,
    environ: Mapping[str, str],
    *,
    warn: Callable[[str], object] | None = None,
) -> bytes:
    """The site's pseudonym key: the file's content (``--cle``), else the variable
    ``CITESLAB_PSEUDO_KEY``; surrounding white space (a final line break) is ignored.

    A key file must be a regular file of at most :data:`MAX_KEY_FILE_BYTES`; ``warn``
    receives each French warning about it (a key readable by every user)."""
    if key_file is not None:
        data, warnings = _read_key_file(key_file)
        key = data.strip()
        if warn is not None:
            for warning in warnings:
                warn(warning)
        where = f"le fichier {key_file}"
    else:
        where = f"la variable {KEY_ENV}"
        try:
            # os.environ holds undecodable bytes as lone surrogates (surrogateescape)
            key = environ.get(KEY_ENV, "").strip().encode("utf-8")
        except UnicodeEncodeError:
            raise PseudonymKeyError(
                f"clé des pseudonymes illisible dans {where} : elle contient des octets qui "
                f"ne sont pas du texte UTF-8. {_MAKE_ONE}"
            ) from None
    if not key:
        raise PseudonymKeyError(
            "clé des pseudonymes absente : ce fichier par personne exige la clé secrète de "
            f"la structure. Définissez la variable {KEY_ENV} ou donnez --cle FICHIER "
            f"(au moins {MIN_KEY_BYTES} caractères, la même chaque année, jamais transmise "
            "au financeur). Pas encore de clé ? Créez-la une fois pour toutes avec "
            "`citeslab cle FICHIER`, qui dit aussi où la garder. Aucun fichier n'a été "
            "écrit."
        )
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymKeyError(
            f"clé des pseudonymes trop courte dans {where} : il faut au moins "
            f"{MIN_KEY_BYTES} caractères pour qu'elle ne puisse pas être devinée. "
            f"{_MAKE_ONE}"
        )
    if len(set(key)) < MIN_KEY_DISTINCT:
        raise PseudonymKeyError(
            f"clé des pseudonymes trop faible dans {where} : elle répète "
            f"{'un seul octet' if len(set(key)) == 1 else 'quelques octets'} "
            f"(au moins {MIN_KEY_DISTINCT} caractères différents sont demandés), elle se "
            f"devine. {_MAKE_ONE}"
        )
    return key


def check_key_outside(key_file: Path | None, output: Path) -> None:
    """Refuse a key file inside the output folder: the folder's files are sent to the
    funder, and the key would go with them (whoever has it can link the pseudonyms)."""
    if key_file is None:
        return
    try:
        key = key_file.resolve()
        folder = output.resolve()
    except (OSError, RuntimeError):
        return
    if key.is_relative_to(folder):
        raise PseudonymKeyError(
            f"le fichier de clé {key_file} est dans le dossier de sortie {output} : il "
            "partirait avec les fichiers envoyés au financeur. Déplacez la clé hors de ce "
            "dossier (ou choisissez un autre dossier -o). Aucun fichier n'a été écrit."
        )


#: What every refusal of a key says: how to make a good one.
_MAKE_ONE: Final = (
    "Créez une bonne clé une fois pour toutes avec `citeslab cle FICHIER` (tirée au "
    "hasard, lisible par vous seul ; gardez-la hors du dossier des fichiers envoyés) et "
    "donnez --cle FICHIER. Aucun fichier n'a été écrit."
)


#: Random bytes in a key made by :func:`write_new_key` (written as 64 hexadecimal digits).
NEW_KEY_BYTES: Final = 32


def new_key() -> str:
    """A new random key: :data:`NEW_KEY_BYTES` bytes from :mod:`secrets`, as hexadecimal
    text (so that the file is plain text a person can copy, and no byte of it is white
    space that :func:`load_key` would strip)."""
    import secrets

    return secrets.token_hex(NEW_KEY_BYTES)


def write_new_key(path: Path) -> None:
    """Write a new key (:func:`new_key`) to ``path``, which must not exist.

    The file is created exclusively (``O_EXCL``: an existing file, or a link, is never
    replaced, even by a race), readable and writable by its owner only where the system
    has modes (0600), and removed again if it cannot be written whole. An existing path
    raises :class:`FileExistsError`."""
    data = (new_key() + "\n").encode("ascii")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    handle = os.open(path, flags, 0o600)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def pseudonym(key: bytes, exporter: str, person_id: str, site: str | None = None) -> str:
    """The pseudonym of a person in one exporter's files.

    ``P`` and the first 128 bits, in hexadecimal, of HMAC-SHA256 under ``key`` of the
    exporter's name and the person's id (the ``P`` keeps a spreadsheet from reading it
    as a number). In a network's file, ``site`` (the site's name) is keyed too: the same
    id in two sites is two persons, with two pseudonyms.
    """
    parts = [_DOMAIN, exporter.encode("utf-8")]
    if site is not None:
        parts.append(b"site:" + site.encode("utf-8"))
    message = b"\x00".join((*parts, person_id.encode("utf-8")))
    return "P" + hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


@attrs.frozen
class ParticipantRow:
    """One accompanied person of the period, as a participant-level file may show them.

    No identity, no free text, no person id: see the module docstring.

    - ``pseudonym``: keyed for the exporter that receives the rows;
    - ``age_bracket``: at the first ``entretien`` (None when the birth date is unknown);
    - ``residence``, ``qpv_code``: instead of an address; :attr:`qpv_resident` says yes
      (``qpv``), no (``qpv_limite`` or ``hors_qpv``) or unknown;
    - ``entry_date``: the first ``entretien`` (None in the odd case of a person with no
      ``entretien`` at all);
    - ``exit_date``, ``exit_result``: the last ``sortie`` in the period, None when the
      person is still accompanied (``en_cours``).
    """

    pseudonym: str
    sex: Sex | None
    age_bracket: AgeBracket | None
    education: EducationLevel | None
    situation: SituationAtEntry | None
    benefit: MinimumBenefit
    rqth: bool | None
    residence: ResidenceStatus | None
    qpv_code: str | None
    stage_at_entry: Stage | None
    sector: Sector | None
    entry_date: dt.date | None
    exit_date: dt.date | None
    exit_result: ExitResult | None

    @property
    def qpv_resident(self) -> bool | None:
        """Lives in a QPV (yes / no), None when the residence status is unknown."""
        return None if self.residence is None else self.residence is ResidenceStatus.QPV


def _order(row: ParticipantRow) -> tuple[dt.date, str]:
    return (row.entry_date or dt.date.min, row.pseudonym)


def build_participants(
    data: Dataset,
    start: dt.date,
    end: dt.date,
    *,
    key: bytes,
    exporter: str,
    site: str | None = None,
) -> list[ParticipantRow]:
    """The rows of the persons accompanied from ``start`` to ``end`` (both included),
    pseudonymised for ``exporter``, by entry date then pseudonym (an order that says
    nothing of the site's ids).

    The persons and their figures are the bilan's own
    (:func:`citeslab_core.bilan.accompanied_persons`): the file always agrees with it.
    ``site``: keyed into the pseudonyms (a network's file, :func:`pseudonym`).
    """
    rows = [
        ParticipantRow(
            pseudonym=pseudonym(key, exporter, figures.person.id, site),
            sex=figures.person.sex,
            age_bracket=figures.age_bracket,
            education=figures.person.education,
            situation=figures.person.situation,
            benefit=figures.person.benefit,
            rqth=figures.person.rqth,
            residence=figures.person.residence,
            qpv_code=figures.person.qpv_code,
            stage_at_entry=figures.person.stage_at_entry,
            sector=figures.person.sector,
            entry_date=figures.first_entretien,
            exit_date=figures.exit_date,
            exit_result=figures.exit_result,
        )
        for figures in accompanied_persons(data, start, end)
    ]
    rows.sort(key=_order)
    return rows
