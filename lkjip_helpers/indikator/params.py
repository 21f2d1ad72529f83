"""The schema of ``params/agency.yaml`` and ``params/<year>.yaml``: pydantic models.

Everything agency-specific (name, head, Renstra, IKU, targets) lives in the YAML;
the code only knows the *shape*. A fifth IKU or another agency is a YAML edit.

Every problem raises :class:`ParamsError` naming the file and the key path, e.g.::

    params/agency.yaml: iku[2].polaritas: 'naik' is not one of positif, negatif

Decisions
---------
* ``target_renstra`` must have a key for **every** year of the Renstra period
  (``renstra.periode_awal``..``periode_akhir``) and no other year. ``null`` means
  "the indicator is not defined (not measured) that year" (e.g. IKU-2 in 2016, the
  first Renstra year, before the indicator was revised in). A number must be > 0:
  capaian divides by the target.
* An IKU is *active* in a year when its Renstra target for that year is not null.
  The Perjanjian Kinerja of the year must give a target for every active IKU and
  for no other IKU.
* ``perjanjian_kinerja.murni`` is required; ``perubahan`` (the revision after the
  budget change) is optional and, when present, is a complete document (all active
  IKU). Capaian is measured against the last revision: :func:`target_for`.
* Unknown keys are errors at every level (they are usually typos); the message
  lists the allowed keys. The loading machinery is :mod:`lkjip_helpers.core.schema`.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from lkjip_helpers.core.config import agency_file, display_path, year_params_file
from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.core.schema import (
    Angka,
    Cacah,
    Skema,
    Tahun,
    Tanggal,
    Teks,
    TeksOpsional,
    gagal,
    load,
    tampil,
)
from lkjip_helpers.indikator.model import CARA_REALISASI, POLARITAS, RUMUS_NEGATIF
from lkjip_helpers.indikator.realisasi import daftar_aturan, parameter_aturan, tabel_bawaan
from lkjip_helpers.indikator.scales import load_scales


def _target(value: object) -> float:
    """A target: a finite number, not 0 and not negative (capaian divides by it)."""
    if isinstance(value, (bool, str)) or not isinstance(value, (int, float)) or value != value:
        raise gagal(f"expected a number, got {tampil(value)}")
    x = float(value)
    if x in (float("inf"), float("-inf")):
        raise gagal(f"expected a number, got {tampil(value)}")
    if x == 0:
        raise gagal("a target of 0 is invalid (capaian = realisasi / target)")
    if x < 0:
        raise gagal(f"a target must be positive, got {tampil(value)}")
    return x


def _nip(value: object) -> str:
    # A NIP is 18 digits (PP 11/2017 numbering); written in quotes so YAML keeps it text.
    if not isinstance(value, str) or not (value.isdigit() and len(value) == 18):
        raise gagal(
            f'expected an 18-digit NIP in quotes (e.g. "196704131986091002"), got {tampil(value)}'
        )
    return value


#: A target: a number > 0.
Target = Annotated[float, BeforeValidator(_target)]


# --------------------------------------------------------------------------- agency.yaml


class Kepala(Skema):
    """Head of the agency, as printed under the signature."""

    jabatan: TeksOpsional = ""
    nama: Teks
    pangkat: Teks
    golongan: Teks
    nip: Annotated[str, BeforeValidator(_nip)]


class Instansi(Skema):
    """The agency."""

    nama: Teks
    singkatan: TeksOpsional = ""
    pemerintah: TeksOpsional = ""
    wilayah: TeksOpsional = ""
    kota: Teks
    kepala: Kepala


class Renstra(Skema):
    """Renstra (strategic plan) period."""

    periode_awal: Tahun
    periode_akhir: Tahun
    rpjmd: TeksOpsional = ""

    @model_validator(mode="after")
    def _urut(self) -> Renstra:
        if self.periode_akhir < self.periode_awal:
            raise gagal(
                f"{self.periode_akhir} is before periode_awal {self.periode_awal}",
                "periode_akhir",
            )
        return self

    @property
    def tahun(self) -> tuple[int, ...]:
        """Every year of the period."""
        return tuple(range(self.periode_awal, self.periode_akhir + 1))


class Misi(Skema):
    kode: Teks
    teks: Teks


class Tujuan(Skema):
    kode: Teks
    misi: Teks
    teks: Teks
    indikator: TeksOpsional = ""
    target: Target | None = None


class Sasaran(Skema):
    kode: Teks
    tujuan: Teks
    teks: Teks


def _cek_opsi(aturan: str, opsi: Mapping[str, object]) -> None:
    allowed = parameter_aturan(aturan)
    for name in opsi:
        if name not in allowed:
            raise gagal(
                f"rule {aturan!r} has no such option; options: {', '.join(allowed) or 'none'}",
                "opsi",
                name,
            )


def _opsi(value: object) -> object:
    return {} if value is None else value


Opsi = Annotated[dict[str, Any], BeforeValidator(_opsi)]


class AturanRealisasi(Skema):
    """A named realisasi rule, the table it reads and its options (column names...).

    Written as a rule name or ``{aturan, tabel, opsi}``; ``tabel`` defaults to the
    rule's own table.
    """

    aturan: str
    tabel: Teks | None = None
    opsi: Opsi = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _nama_saja(cls, data: Any) -> Any:
        return {"aturan": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _aturan_dikenal(self) -> AturanRealisasi:
        if self.aturan not in daftar_aturan():
            raise gagal(
                f"{tampil(self.aturan)} is not a known realisasi rule "
                f"({', '.join(daftar_aturan())})",
                "aturan",
            )
        _cek_opsi(self.aturan, self.opsi)
        if self.tabel is None:
            object.__setattr__(self, "tabel", tabel_bawaan(self.aturan))
        return self


class SpesifikasiRealisasi(Skema):
    """How an IKU's realisasi is obtained.

    ``cara: input`` -> the figure is entered (rule ``input``, table ``realisasi_iku``);
    ``cara: hitung`` -> computed by the named rule ``aturan`` from table ``tabel``.
    ``pembanding`` is an optional second rule recomputing an entered figure for the
    audit.
    """

    cara: Literal[CARA_REALISASI]  # type: ignore[valid-type]
    aturan: str | None = None
    tabel: Teks | None = None
    opsi: Opsi = Field(default_factory=dict)
    pembanding: AturanRealisasi | None = None

    @model_validator(mode="after")
    def _aturan(self) -> SpesifikasiRealisasi:
        if self.cara == "input":
            if self.aturan not in (None, "input"):
                raise gagal(
                    f"cara: input takes no rule (got {tampil(self.aturan)}); use cara: hitung",
                    "aturan",
                )
            aturan = "input"
        else:
            if self.aturan is None:
                raise gagal("missing (required when cara: hitung)", "aturan")
            rules = [a for a in daftar_aturan() if a != "input"]
            if self.aturan not in rules:
                raise gagal(
                    f"{tampil(self.aturan)} is not a known realisasi rule ({', '.join(rules)})",
                    "aturan",
                )
            aturan = self.aturan
        _cek_opsi(aturan, self.opsi)
        object.__setattr__(self, "aturan", aturan)
        if self.tabel is None:
            object.__setattr__(self, "tabel", tabel_bawaan(aturan))
        return self


class TabelPendukung(Skema):
    """A table read by a supporting chart/table; ``y`` names its value column when it
    differs from the item's (e.g. a history table's ``jumlah`` and this year's
    ``realisasi``)."""

    nama: Teks
    y: Teks | None = None


class Pendukung(Skema):
    """A supporting table or chart of an IKU section (``iku[].pendukung``).

    ``tampil`` is ``tabel`` (values per ``x`` and ``seri``, or several ``y`` side by
    side, optionally with ``persen``: realisasi / target), ``grafik`` (the same as a
    chart; ``dengan_tabel`` shows its table too) or ``daftar`` (the rows as they are,
    ``kolom`` mapping column -> header, ``jumlah`` columns summed). ``tabel`` is a
    table name, ``{nama, y}``, or a list of them.
    """

    tabel: Teks | list[Teks | TabelPendukung]
    tampil: Literal["grafik", "tabel", "daftar"]
    judul: Teks
    y: Teks | list[Teks] | None = None
    x: Teks = "tahun"
    judul_x: Teks | None = None
    seri: Teks | None = None
    label: Teks | list[Teks] | None = None
    satuan: Teks | None = None
    desimal: Cacah | None = None
    filter: Teks | None = None
    catatan: Teks | None = None
    kolom: dict[str, Teks] | None = None
    jumlah: list[Teks] | None = None
    persen: bool = False
    dengan_tabel: bool = False

    @model_validator(mode="after")
    def _y_wajib(self) -> Pendukung:
        if self.tampil != "daftar" and self.y is None:
            raise gagal(f"missing (required when tampil is {self.tampil})", "y")
        return self

    @property
    def daftar_tabel(self) -> tuple[TabelPendukung, ...]:
        """Every table the item reads, as ``{nama, y}``."""
        items = self.tabel if isinstance(self.tabel, list) else [self.tabel]
        return tuple(TabelPendukung(nama=t) if isinstance(t, str) else t for t in items)

    def sebagai_dict(self) -> dict:
        """The item as the YAML wrote it (keys left out stay out)."""
        return self.model_dump(exclude_none=True, exclude_defaults=False)


class Standar(Skema):
    """A national or regional standard to compare an IKU with (``iku[].standar``)."""

    nilai: Angka
    sumber: Teks


class Iku(Skema):
    """One Indikator Kinerja Utama."""

    kode: Teks
    sasaran: Teks
    nama: Teks
    satuan: Teks
    polaritas: Literal[POLARITAS]  # type: ignore[valid-type]
    rumus: TeksOpsional = ""
    realisasi: SpesifikasiRealisasi
    # null = the indicator is not defined that year (see module docstring).
    target_renstra: dict[int, Target | None]
    # supporting tables/charts of the IKU section (laporan/tables.pendukung)
    pendukung: tuple[Pendukung, ...] = ()
    # optional national or regional standard (PermenPAN-RB 53/2014 comparison)
    standar: Standar | None = None

    def aktif(self, tahun: int) -> bool:
        """True when the indicator has a Renstra target (is defined) in ``tahun``."""
        return self.target_renstra.get(tahun) is not None


class Pengukuran(Skema):
    """Measurement settings: scale, cap, negative-polarity formula."""

    skala: Teks
    batas_capaian: Target | None = None
    rumus_polaritas_negatif: Literal[RUMUS_NEGATIF] = "dua_kali_target"  # type: ignore[valid-type]

    @field_validator("skala")
    @classmethod
    def _skala_dikenal(cls, v: str, info: ValidationInfo) -> str:
        known = sorted(load_scales((info.context or {}).get("scales_path")).skala)
        if v not in known:
            raise gagal(f"{tampil(v)} is not one of {', '.join(known)}")
        return v


def _tidak_kosong(value: object) -> object:
    if not isinstance(value, list) or not value:
        raise gagal(f"expected a non-empty list, got {tampil(value)}")
    return value


def _daftar(item: type) -> Any:
    return Annotated[tuple[item, ...], BeforeValidator(_tidak_kosong)]


class AgencyParams(Skema):
    """Validated content of ``params/agency.yaml``."""

    DIISI_KODE = frozenset({"sumber"})

    instansi: Instansi
    renstra: Renstra
    visi: Teks
    misi: _daftar(Misi)
    tujuan: _daftar(Tujuan)
    sasaran: _daftar(Sasaran)
    pengukuran: Pengukuran
    iku: _daftar(Iku)
    sumber: str = "params/agency.yaml"

    @field_validator("visi")
    @classmethod
    def _satu_baris(cls, v: str) -> str:
        return " ".join(v.split())

    @model_validator(mode="after")
    def _rujukan(self, info: ValidationInfo) -> AgencyParams:
        for key in ("misi", "tujuan", "sasaran", "iku"):
            seen: set[str] = set()
            for i, item in enumerate(getattr(self, key)):
                if item.kode in seen:
                    raise gagal(f"duplicate kode {item.kode!r}", key, i, "kode")
                seen.add(item.kode)
        for key, field, parent in (
            ("tujuan", "misi", "misi"),
            ("sasaran", "tujuan", "tujuan"),
            ("iku", "sasaran", "sasaran"),
        ):
            known = [p.kode for p in getattr(self, parent)]
            for i, item in enumerate(getattr(self, key)):
                value = getattr(item, field)
                if value not in known:
                    raise gagal(
                        f"{tampil(value)} is not a known {parent} ({', '.join(known)})",
                        key,
                        i,
                        field,
                    )
        r = self.renstra
        for i, iku in enumerate(self.iku):
            targets = iku.target_renstra
            for year in targets:
                if year not in r.tahun:
                    raise gagal(
                        f"{year} is outside the Renstra period {r.periode_awal}-{r.periode_akhir}",
                        "iku",
                        i,
                        "target_renstra",
                        year,
                    )
            missing = [y for y in r.tahun if y not in targets]
            if missing:
                raise gagal(
                    f"missing year(s) {', '.join(map(str, missing))}: the Renstra targets must "
                    f"cover {r.periode_awal}-{r.periode_akhir} (write null for a year in which "
                    "the indicator is not defined)",
                    "iku",
                    i,
                    "target_renstra",
                )
            if all(v is None for v in targets.values()):
                raise gagal(
                    "every year is null: the indicator is never defined",
                    "iku",
                    i,
                    "target_renstra",
                )
            object.__setattr__(iku, "target_renstra", dict(sorted(targets.items())))
        ukur = self.pengukuran
        if ukur.rumus_polaritas_negatif == "realisasi_per_target" and any(
            i.polaritas == "negatif" for i in self.iku
        ):
            skala = load_scales((info.context or {}).get("scales_path")).skala[ukur.skala]
            if skala.negatif is None:
                raise gagal(
                    f"scale {skala.nama!r} has no mirrored (negatif) bands, needed by "
                    "rumus_polaritas_negatif: realisasi_per_target for negative IKU",
                    "pengukuran",
                    "skala",
                )
        return self

    def iku_by_kode(self, kode: str) -> Iku:
        for i in self.iku:
            if i.kode == kode:
                return i
        raise ParamsError(
            f"{self.sumber}: iku: no IKU with kode {kode!r}; known: "
            f"{', '.join(i.kode for i in self.iku)}"
        )

    def sasaran_by_kode(self, kode: str) -> Sasaran:
        for s in self.sasaran:
            if s.kode == kode:
                return s
        raise ParamsError(f"{self.sumber}: sasaran: no sasaran with kode {kode!r}")

    def misi_by_kode(self, kode: str) -> Misi:
        for m in self.misi:
            if m.kode == kode:
                return m
        raise ParamsError(f"{self.sumber}: misi: no misi with kode {kode!r}")

    def iku_aktif(self, tahun: int) -> tuple[Iku, ...]:
        """IKU defined in ``tahun`` (non-null Renstra target), in file order."""
        return tuple(i for i in self.iku if i.aktif(tahun))


# --------------------------------------------------------------------------- <year>.yaml


class Laporan(Skema):
    """Where and when the report is signed.

    ``tanggal`` null: not decided yet (a new year). The data step works without
    it; the report asks for it (:meth:`tanggal_wajib`) when it prints the date.
    ``tempat`` defaults to the agency's ``instansi.kota``.
    """

    DIISI_KODE = frozenset({"sumber"})

    tempat: TeksOpsional = ""
    tanggal: Tanggal = None
    sumber: str = ""

    def tanggal_wajib(self) -> _dt.date:
        """The report date, or a clear error while it is still empty (null)."""
        if self.tanggal is None:
            raise ParamsError(
                f"{self.sumber or 'params/<year>.yaml'}: laporan.tanggal: not filled in yet; "
                "write the date the head of agency signs the report (YYYY-MM-DD)."
            )
        return self.tanggal


class PerjanjianKinerja(Skema):
    """Targets signed for the year: ``murni`` and, after the budget change, ``perubahan``."""

    murni: dict[str, Target]
    perubahan: dict[str, Target] | None = None


class YearParams(Skema):
    """Validated content of ``params/<year>.yaml`` (checked against the agency params)."""

    DIISI_KODE = frozenset({"sumber"})

    tahun: Tahun
    laporan: Laporan
    perjanjian_kinerja: PerjanjianKinerja
    #: Where each table of the published LKjIP of the year is shown in this report:
    #: "Tabel 3.5" -> labels of this report's tables (docs/tabel_terbitan.md). The
    #: audit names the report's table beside each published one it finds fault in.
    tabel_terbitan: dict[str, tuple[str, ...]] = {}
    sumber: str = ""

    @field_validator("tabel_terbitan")
    @classmethod
    def _tabel_terbitan(cls, v: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for nomor, labels in v.items():
            if not re.fullmatch(r"Tabel \d+\.\d+", nomor):
                raise ValueError(f"tabel_terbitan: key {nomor!r} is not a table like 'Tabel 3.5'")
            bad = [x for x in labels if not re.fullmatch(r"tbl-[A-Za-z0-9_-]+", x)]
            if bad:
                raise ValueError(
                    f"tabel_terbitan: {nomor}: {bad} are not table labels like 'tbl-pns-golongan'"
                )
        return v

    @model_validator(mode="after")
    def _cocok_dengan_agency(self, info: ValidationInfo) -> YearParams:
        ctx = info.context or {}
        year: int = ctx["year"]
        agency: AgencyParams = ctx["agency"]
        if self.tahun != year:
            raise gagal(f"{self.tahun} does not match the requested year {year}", "tahun")
        r = agency.renstra
        if year not in r.tahun:
            raise gagal(
                f"{year} is outside the Renstra period {r.periode_awal}-{r.periode_akhir} "
                f"of {agency.sumber}",
                "tahun",
            )
        if not self.laporan.tempat:
            object.__setattr__(self.laporan, "tempat", agency.instansi.kota)
        pk = self.perjanjian_kinerja
        for doc in ("murni", "perubahan"):
            targets = getattr(pk, doc)
            if targets is None:
                continue
            known = [i.kode for i in agency.iku]
            for kode in targets:
                key = ("perjanjian_kinerja", doc, kode)
                if kode not in known:
                    raise gagal(
                        f"unknown IKU (not in {agency.sumber}); known: {', '.join(known)}", *key
                    )
                if not agency.iku_by_kode(kode).aktif(year):
                    raise gagal(
                        f"IKU {kode} is not defined in {year} (target_renstra.{year} is null in "
                        f"{agency.sumber}); remove it or give it a Renstra target",
                        *key,
                    )
            aktif = agency.iku_aktif(year)
            missing = [i.kode for i in aktif if i.kode not in targets]
            if missing:
                raise gagal(f"missing target for {', '.join(missing)}", "perjanjian_kinerja", doc)
            object.__setattr__(pk, doc, {i.kode: targets[i.kode] for i in aktif})
        return self


class Params(Skema):
    """Agency and year params together (what a notebook needs)."""

    agency: AgencyParams
    tahun: YearParams


# --------------------------------------------------------------------------- loading


def load_agency(
    path: Path | str | None = None, scales_path: Path | str | None = None
) -> AgencyParams:
    """Load and validate ``params/agency.yaml``.

    Parameters
    ----------
    path : Path, optional
        Defaults to :func:`lkjip_helpers.core.config.agency_file`.
    scales_path : Path, optional
        ``params/scales.yaml`` used to check the scale name.

    Returns
    -------
    AgencyParams

    Raises
    ------
    ParamsError
        Naming the file and key path of each problem found.
    """
    p = Path(path) if path is not None else agency_file()
    agency = load(AgencyParams, p, {"scales_path": scales_path})
    return agency.model_copy(update={"sumber": display_path(p)})


def load_year(year: int, agency: AgencyParams, path: Path | str | None = None) -> YearParams:
    """Load and validate ``params/<year>.yaml`` against the agency params.

    Parameters
    ----------
    year : int
        Report year (the year the LKjIP reports on).
    agency : AgencyParams
        From :func:`load_agency` (IKU codes, Renstra period).
    path : Path, optional
        Defaults to :func:`lkjip_helpers.core.config.year_params_file`.

    Returns
    -------
    YearParams

    Raises
    ------
    ParamsError
        Naming the file and key path (a PK target for an unknown IKU, a missing PK
        target, a target of 0, a year outside the Renstra period...).
    """
    p = Path(path) if path is not None else year_params_file(year)
    nama = display_path(p)
    params = load(YearParams, p, {"year": year, "agency": agency})
    laporan = params.laporan.model_copy(update={"sumber": nama})
    return params.model_copy(update={"sumber": nama, "laporan": laporan})


def load_params(
    year: int,
    agency_path: Path | str | None = None,
    year_path: Path | str | None = None,
    scales_path: Path | str | None = None,
) -> Params:
    """Load ``params/agency.yaml`` and ``params/<year>.yaml`` together."""
    agency = load_agency(agency_path, scales_path)
    return Params.model_construct(agency=agency, tahun=load_year(year, agency, year_path))


def target_for(iku: Iku | str, year_params: YearParams) -> float:
    """Target that capaian is measured against: the last PK revision.

    ``perjanjian_kinerja.perubahan`` when the year has one, else ``murni``.

    Parameters
    ----------
    iku : Iku or str
        The indicator or its code.
    year_params : YearParams

    Returns
    -------
    float

    Raises
    ------
    ParamsError
        If the year's PK has no target for the IKU (it is not active that year).
    """
    kode = iku.kode if isinstance(iku, Iku) else iku
    pk = year_params.perjanjian_kinerja
    doc = pk.perubahan if pk.perubahan is not None else pk.murni
    key = "perubahan" if pk.perubahan is not None else "murni"
    if kode not in doc:
        raise ParamsError(
            f"{year_params.sumber}: perjanjian_kinerja.{key}: no target for {kode} "
            f"in {year_params.tahun}"
        )
    return doc[kode]
