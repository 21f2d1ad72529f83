"""The schema layer: every YAML file of the project is read through a pydantic model.

One place turns a YAML file into a validated object and every validation
problem into a :class:`ParamsError` that names the file, the key path, what was
found and what was expected, e.g.::

    params/agency.yaml: iku[2].polaritas: 'naik' is not one of positif, negatif

The models themselves live beside the layer that owns the file
(``data/catalogue.py``, ``indikator/params.py``, ``indikator/scales.py``,
``laporan/sentences.py``, ``laporan/context.py``); they derive from
:class:`Skema`, which forbids unknown keys and lists the allowed ones when it
meets one. A check that pydantic cannot express raises :func:`gagal` from a
validator, with the message and, optionally, a key path below the field.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from lkjip_helpers.core.config import display_path
from lkjip_helpers.core.exceptions import ParamsError

M = TypeVar("M", bound=BaseModel)

_KODE = "lkjip"
# What each pydantic type error expected, in the project's words.
_DIHARAPKAN = {
    "string_type": "a text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
    "tuple_type": "a list",
    "date_type": "a date YYYY-MM-DD",
    "date_parsing": "a date YYYY-MM-DD",
    "date_from_datetime_parsing": "a date YYYY-MM-DD",
    "date_from_datetime_inexact": "a date YYYY-MM-DD",
}


def tampil(value: object) -> str:
    """A found value as shown in an error message (``null`` for None)."""
    return "null" if value is None else repr(value)


def gagal(pesan: str, *sub: object) -> PydanticCustomError:
    """An error for a validator to raise: ``pesan`` at the field (or ``sub`` below it)."""
    return PydanticCustomError(_KODE, "{pesan}", {"pesan": pesan, "sub": tuple(sub)})


class Skema(BaseModel):
    """Base of every YAML model: immutable; an unknown key is an error listing the allowed ones.

    Fields named in :attr:`DIISI_KODE` are filled by the code (a name taken from
    the mapping key, the file a value came from), never written in the YAML.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    DIISI_KODE: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _mapping_kunci_dikenal(cls, data: Any) -> Any:
        if isinstance(data, BaseModel):
            return data
        if not isinstance(data, Mapping):
            raise gagal(f"expected a mapping, got {tampil(data)}")
        allowed = [f.alias or n for n, f in cls.model_fields.items() if n not in cls.DIISI_KODE]
        unknown = sorted(str(k) for k in data if k not in allowed and k not in cls.DIISI_KODE)
        if unknown:
            raise gagal(
                f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
            )
        return data


# ------------------------------------------------------------------ common field types


def _teks(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise gagal(f"expected a non-empty text, got {tampil(value)}")
    return value.strip()


def _teks_opsional(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise gagal(f"expected a text, got {tampil(value)}")
    return value.strip()


def _angka(value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(float(value))
    ):
        raise gagal(f"expected a number, got {tampil(value)}")
    return float(value)


def _bilangan(value: object) -> int | float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(float(value))
    ):
        raise gagal(f"expected a number, got {tampil(value)}")
    return value


def _bulat(minimum: int):
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise gagal(f"expected a whole number >= {minimum}, got {tampil(value)}")
        return value

    return check


def _tahun(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
        raise gagal(f"expected a year, got {tampil(value)}")
    return value


def _tanggal(value: object) -> _dt.date | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise gagal(f"expected a date YYYY-MM-DD, got {tampil(value)}")


#: A non-empty text (stripped).
Teks = Annotated[str, BeforeValidator(_teks)]
#: A text that may be empty or null (stripped; null -> "").
TeksOpsional = Annotated[str, BeforeValidator(_teks_opsional)]
#: A finite number (not a boolean, not a quoted number).
Angka = Annotated[float, BeforeValidator(_angka)]
#: A finite number kept as written (an int stays an int).
Bilangan = Annotated[int | float, BeforeValidator(_bilangan)]
#: A whole number >= 0 / >= 1.
Cacah = Annotated[int, BeforeValidator(_bulat(0))]
Asli = Annotated[int, BeforeValidator(_bulat(1))]
#: A year 1900-2200.
Tahun = Annotated[int, BeforeValidator(_tahun)]
#: A date written YYYY-MM-DD, or null.
Tanggal = Annotated[_dt.date | None, BeforeValidator(_tanggal)]


# ------------------------------------------------------------------ loading


#: libyaml's scanner and parser with PyYAML's safe constructor: the same data as
#: ``yaml.safe_load``, about ten times faster (the catalogue is read by every build
#: and preview process).
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> dict:
    """Read a YAML file whose top level is a mapping.

    Raises
    ------
    ParamsError
        Missing file, invalid YAML, or a top level that is not a mapping.
    """
    path = Path(path)
    if not path.exists():
        raise ParamsError(f"{display_path(path)}: file not found.")
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_FAST_LOADER)
    except yaml.YAMLError as fast_error:
        error = fast_error
        try:  # the pure-Python parser's message shows the line and a caret
            yaml.safe_load(text)
        except yaml.YAMLError as exc:
            error = exc
        raise ParamsError(f"{display_path(path)}: invalid YAML ({error}).") from None
    if not isinstance(data, dict):
        raise ParamsError(f"{display_path(path)}: expected a mapping at the top level.")
    return data


def validate(
    model: type[M],
    data: object,
    sumber: Path | str,
    context: Mapping[str, object] | None = None,
) -> M:
    """Validate ``data`` (read from ``sumber``) against ``model``.

    Raises
    ------
    ParamsError
        One line per problem: ``<file>: <key path>: <what was found / expected>``.
    """
    nama = display_path(Path(sumber)) if isinstance(sumber, Path) else str(sumber)
    try:
        return model.model_validate(data, context=dict(context or {}))
    except ValidationError as exc:
        raise ParamsError(pesan_galat(exc, nama, data)) from None


def load(model: type[M], path: Path, context: Mapping[str, object] | None = None) -> M:
    """Read the YAML file ``path`` and validate it against ``model``."""
    return validate(model, read_yaml(path), path, context)


def pesan_galat(exc: ValidationError, nama: str, data: object) -> str:
    """The user-facing text of a pydantic error: one line per distinct problem."""
    lines: list[str] = []
    for err in exc.errors(include_url=False):
        ctx = err.get("ctx") or {}
        loc = tuple(err["loc"]) + tuple(ctx.get("sub", ()) if err["type"] == _KODE else ())
        path = jalur(loc, data)
        text = _pesan(err)
        line = f"{nama}: {path}: {text}" if path else f"{nama}: {text}"
        if line not in lines:
            lines.append(line)
    return "\n".join(lines)


def jalur(loc: tuple, data: object) -> str:
    """``('iku', 2, 'polaritas')`` -> ``iku[2].polaritas``, following the data.

    An integer is a list index only where the data holds a list there (a year
    key of a mapping stays ``.2017``). Pydantic's internal steps (``[key]``,
    ``function-after[...]``) are left out.
    """
    out = ""
    node: object = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list):
            out += f"[{part}]"
            node = node[part] if 0 <= part < len(node) else None
            continue
        if isinstance(node, Mapping):
            if part in node:
                node = node[part]
            elif str(part) in node:
                node = node[str(part)]
            elif isinstance(part, str) and (part == "[key]" or re.match(r"^[a-z-]+\[", part)):
                continue
            else:
                node = None
        elif isinstance(part, str) and (part == "[key]" or re.match(r"^[a-z-]+\[", part)):
            continue
        else:
            node = None
        out += f".{part}" if out else str(part)
    return out


def _pesan(err: dict) -> str:
    kind = err["type"]
    found = err.get("input")
    if kind == _KODE:
        return str(err["ctx"]["pesan"])
    if kind == "missing":
        return "missing (required)"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "literal_error":
        pilihan = re.sub(r"'([^']*)'", r"\1", str(err["ctx"]["expected"])).replace(" or ", ", ")
        return f"{tampil(found)} is not one of {pilihan}"
    if kind == "too_short" and isinstance(found, (list, tuple)):
        return f"expected a non-empty list, got {tampil(found)}"
    if kind == "too_short" and isinstance(found, Mapping):
        return f"expected a non-empty mapping, got {tampil(found)}"
    if kind in _DIHARAPKAN:
        return f"expected {_DIHARAPKAN[kind]}, got {tampil(found)}"
    return f"{err['msg']}, got {tampil(found)}"
