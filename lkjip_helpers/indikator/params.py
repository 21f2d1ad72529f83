"""Load and validate ``params/agency.yaml`` and ``params/<year>.yaml`` into plain objects.

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
* Unknown keys inside known sections are errors (they are usually typos); unknown
  top-level keys are kept in ``lainnya`` for other parts of the pipeline.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lkjip_helpers.core.config import agency_file, year_params_file
from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.core.numbers import is_finite_number
from lkjip_helpers.data.io import display_path, read_yaml
from lkjip_helpers.indikator.capaian import POLARITAS, RUMUS_NEGATIF
from lkjip_helpers.indikator.scales import load_scales

CARA_REALISASI = ("input", "hitung")


# --------------------------------------------------------------------------- objects


@dataclass(frozen=True)
class Kepala:
    """Head of the agency, as printed under the signature."""

    jabatan: str
    nama: str
    pangkat: str
    golongan: str
    nip: str


@dataclass(frozen=True)
class Instansi:
    """The agency."""

    nama: str
    singkatan: str
    pemerintah: str
    wilayah: str
    kota: str
    kepala: Kepala


@dataclass(frozen=True)
class Renstra:
    """Renstra (strategic plan) period."""

    periode_awal: int
    periode_akhir: int
    rpjmd: str = ""

    @property
    def tahun(self) -> tuple[int, ...]:
        """Every year of the period."""
        return tuple(range(self.periode_awal, self.periode_akhir + 1))


@dataclass(frozen=True)
class Misi:
    kode: str
    teks: str


@dataclass(frozen=True)
class Tujuan:
    kode: str
    misi: str
    teks: str
    indikator: str = ""
    target: float | None = None


@dataclass(frozen=True)
class Sasaran:
    kode: str
    tujuan: str
    teks: str


@dataclass(frozen=True)
class AturanRealisasi:
    """A named realisasi rule, the table it reads and its options (column names...)."""

    aturan: str
    tabel: str
    opsi: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class SpesifikasiRealisasi:
    """How an IKU's realisasi is obtained.

    ``cara: input`` -> the figure is entered (rule ``input``, table ``realisasi_iku``);
    ``cara: hitung`` -> computed by the named rule ``aturan`` from table ``tabel``.
    ``pembanding`` is an optional second rule recomputing an entered figure for the
    audit.
    """

    cara: str
    aturan: str
    tabel: str
    opsi: Mapping[str, object] = field(default_factory=dict)
    pembanding: AturanRealisasi | None = None


@dataclass(frozen=True)
class Iku:
    """One Indikator Kinerja Utama."""

    kode: str
    sasaran: str
    nama: str
    satuan: str
    polaritas: str
    rumus: str
    realisasi: SpesifikasiRealisasi
    target_renstra: Mapping[int, float | None]

    def aktif(self, tahun: int) -> bool:
        """True when the indicator has a Renstra target (is defined) in ``tahun``."""
        return self.target_renstra.get(tahun) is not None


@dataclass(frozen=True)
class Pengukuran:
    """Measurement settings: scale, cap, negative-polarity formula, IKM regulation."""

    skala: str
    batas_capaian: float | None
    rumus_polaritas_negatif: str
    ikm_regulasi: str


@dataclass(frozen=True)
class AgencyParams:
    """Validated content of ``params/agency.yaml``."""

    instansi: Instansi
    renstra: Renstra
    visi: str
    misi: tuple[Misi, ...]
    tujuan: tuple[Tujuan, ...]
    sasaran: tuple[Sasaran, ...]
    pengukuran: Pengukuran
    iku: tuple[Iku, ...]
    sumber: str = "params/agency.yaml"
    lainnya: Mapping[str, object] = field(default_factory=dict)

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

    def tujuan_by_kode(self, kode: str) -> Tujuan:
        for t in self.tujuan:
            if t.kode == kode:
                return t
        raise ParamsError(f"{self.sumber}: tujuan: no tujuan with kode {kode!r}")

    def misi_by_kode(self, kode: str) -> Misi:
        for m in self.misi:
            if m.kode == kode:
                return m
        raise ParamsError(f"{self.sumber}: misi: no misi with kode {kode!r}")

    def iku_aktif(self, tahun: int) -> tuple[Iku, ...]:
        """IKU defined in ``tahun`` (non-null Renstra target), in file order."""
        return tuple(i for i in self.iku if i.aktif(tahun))

    def iku_sasaran(self, kode_sasaran: str, tahun: int | None = None) -> tuple[Iku, ...]:
        """IKU of one sasaran (optionally only those active in ``tahun``)."""
        return tuple(
            i for i in self.iku if i.sasaran == kode_sasaran and (tahun is None or i.aktif(tahun))
        )


@dataclass(frozen=True)
class Laporan:
    """Where and when the report is signed."""

    tempat: str
    tanggal: _dt.date | None
    sumber: str = ""

    def tanggal_wajib(self) -> _dt.date:
        """The report date, or a clear error while it is still empty (null)."""
        if self.tanggal is None:
            raise ParamsError(
                f"{self.sumber or 'params/<year>.yaml'}: laporan.tanggal: not filled in yet; "
                "write the date the head of agency signs the report (YYYY-MM-DD)."
            )
        return self.tanggal


@dataclass(frozen=True)
class PerjanjianKinerja:
    """Targets signed for the year: ``murni`` and, after the budget change, ``perubahan``."""

    murni: Mapping[str, float]
    perubahan: Mapping[str, float] | None = None


@dataclass(frozen=True)
class YearParams:
    """Validated content of ``params/<year>.yaml``."""

    tahun: int
    laporan: Laporan
    perjanjian_kinerja: PerjanjianKinerja
    sumber: str = ""
    lainnya: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Params:
    """Agency and year params together (what a notebook needs)."""

    agency: AgencyParams
    tahun: YearParams


# --------------------------------------------------------------------------- helpers


class _Ctx:
    """Carries the file being validated so every error names it."""

    def __init__(self, path: Path):
        self.path = path
        self.nama = display_path(path)

    def fail(self, key: str, message: str) -> ParamsError:
        return ParamsError(f"{self.nama}: {key}: {message}")

    def mapping(self, value: object, key: str, allowed: set[str] | None = None) -> dict:
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a mapping, got {_show(value)}")
        if allowed is not None:
            unknown = sorted(str(k) for k in value if k not in allowed)
            if unknown:
                raise self.fail(
                    key,
                    f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}",
                )
        return value

    def text(self, d: dict, name: str, key: str, required: bool = True) -> str:
        value = d.get(name)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            if name not in d:
                raise self.fail(f"{key}.{name}", "missing (required)")
            raise self.fail(f"{key}.{name}", f"expected a non-empty text, got {_show(value)}")
        return value.strip()

    def year(self, d: dict, name: str, key: str) -> int:
        value = d.get(name)
        if name not in d:
            raise self.fail(f"{key}.{name}" if key else name, "missing (required)")
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
            raise self.fail(
                f"{key}.{name}" if key else name, f"expected a year, got {_show(value)}"
            )
        return value

    def choice(self, d: dict, name: str, key: str, options: tuple[str, ...] | list[str]) -> str:
        value = d.get(name)
        if name not in d:
            raise self.fail(f"{key}.{name}", "missing (required)")
        if value not in options:
            raise self.fail(f"{key}.{name}", f"{_show(value)} is not one of {', '.join(options)}")
        return value

    def target(self, value: object, key: str) -> float:
        """A target: a finite number, not 0 and not negative (capaian divides by it)."""
        if isinstance(value, str) or not is_finite_number(value):
            raise self.fail(key, f"expected a number, got {_show(value)}")
        x = float(value)  # type: ignore[arg-type]
        if x == 0:
            raise self.fail(key, "a target of 0 is invalid (capaian = realisasi / target)")
        if x < 0:
            raise self.fail(key, f"a target must be positive, got {_show(value)}")
        return x

    def list_of(self, value: object, key: str) -> list:
        if not isinstance(value, list) or not value:
            raise self.fail(key, f"expected a non-empty list, got {_show(value)}")
        return value


def _show(value: object) -> str:
    if value is None:
        return "null"
    return repr(value)


def _unique(ctx: _Ctx, items: list, key: str) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.kode in seen:
            raise ctx.fail(f"{key}[{i}].kode", f"duplicate kode {item.kode!r}")
        seen.add(item.kode)


def _ref(ctx: _Ctx, value: str, key: str, known: list[str], what: str) -> str:
    if value not in known:
        raise ctx.fail(key, f"{_show(value)} is not a known {what} ({', '.join(known)})")
    return value


# --------------------------------------------------------------------------- agency


def _parse_instansi(ctx: _Ctx, raw: object) -> Instansi:
    d = ctx.mapping(
        raw, "instansi", {"nama", "singkatan", "pemerintah", "wilayah", "kota", "kepala"}
    )
    k = ctx.mapping(
        d.get("kepala"), "instansi.kepala", {"jabatan", "nama", "pangkat", "golongan", "nip"}
    )
    nip = k.get("nip")
    # A NIP is 18 digits (PP 11/2017 numbering); written in quotes so YAML keeps it text.
    if not isinstance(nip, str) or not (nip.isdigit() and len(nip) == 18):
        raise ctx.fail(
            "instansi.kepala.nip",
            f'expected an 18-digit NIP in quotes (e.g. "196704131986091002"), got {_show(nip)}',
        )
    kepala = Kepala(
        jabatan=ctx.text(k, "jabatan", "instansi.kepala", required=False),
        nama=ctx.text(k, "nama", "instansi.kepala"),
        pangkat=ctx.text(k, "pangkat", "instansi.kepala"),
        golongan=ctx.text(k, "golongan", "instansi.kepala"),
        nip=nip,
    )
    return Instansi(
        nama=ctx.text(d, "nama", "instansi"),
        singkatan=ctx.text(d, "singkatan", "instansi", required=False),
        pemerintah=ctx.text(d, "pemerintah", "instansi", required=False),
        wilayah=ctx.text(d, "wilayah", "instansi", required=False),
        kota=ctx.text(d, "kota", "instansi"),
        kepala=kepala,
    )


def _parse_renstra(ctx: _Ctx, raw: object) -> Renstra:
    d = ctx.mapping(raw, "renstra", {"periode_awal", "periode_akhir", "rpjmd"})
    awal = ctx.year(d, "periode_awal", "renstra")
    akhir = ctx.year(d, "periode_akhir", "renstra")
    if akhir < awal:
        raise ctx.fail("renstra.periode_akhir", f"{akhir} is before periode_awal {awal}")
    return Renstra(awal, akhir, ctx.text(d, "rpjmd", "renstra", required=False))


def _parse_pengukuran(ctx: _Ctx, raw: object, scales_path: Path | str | None) -> Pengukuran:
    d = ctx.mapping(
        raw,
        "pengukuran",
        {"skala", "batas_capaian", "rumus_polaritas_negatif", "ikm_regulasi"},
    )
    katalog = load_scales(scales_path)
    skala = ctx.choice(d, "skala", "pengukuran", sorted(katalog.skala))
    ikm = ctx.choice(d, "ikm_regulasi", "pengukuran", sorted(katalog.ikm))
    rumus = d.get("rumus_polaritas_negatif", "dua_kali_target")
    if rumus not in RUMUS_NEGATIF:
        raise ctx.fail(
            "pengukuran.rumus_polaritas_negatif",
            f"{_show(rumus)} is not one of {', '.join(RUMUS_NEGATIF)}",
        )
    batas = d.get("batas_capaian")
    if batas is not None:
        batas = ctx.target(batas, "pengukuran.batas_capaian")
    return Pengukuran(
        skala=skala, batas_capaian=batas, rumus_polaritas_negatif=rumus, ikm_regulasi=ikm
    )


def _opsi(ctx: _Ctx, d: dict, key: str, aturan: str) -> dict:
    """Rule options: a mapping whose keys the rule accepts (column names...)."""
    from lkjip_helpers.indikator.realisasi import parameter_aturan

    opsi = d.get("opsi") or {}
    ctx.mapping(opsi, f"{key}.opsi")
    allowed = parameter_aturan(aturan)
    for name in opsi:
        if name not in allowed:
            raise ctx.fail(
                f"{key}.opsi.{name}",
                f"rule {aturan!r} has no such option; options: {', '.join(allowed) or 'none'}",
            )
    return dict(opsi)


def _parse_aturan(ctx: _Ctx, raw: object, key: str) -> AturanRealisasi:
    """Parse ``pembanding``: a rule name or {aturan, tabel, opsi}."""
    from lkjip_helpers.indikator.realisasi import daftar_aturan, tabel_bawaan

    if isinstance(raw, str):
        raw = {"aturan": raw}
    d = ctx.mapping(raw, key, {"aturan", "tabel", "opsi"})
    aturan = d.get("aturan")
    if aturan not in daftar_aturan():
        raise ctx.fail(
            f"{key}.aturan" if "aturan" in d else key,
            f"{_show(aturan)} is not a known realisasi rule ({', '.join(daftar_aturan())})",
        )
    tabel = d.get("tabel", tabel_bawaan(aturan))
    if not isinstance(tabel, str) or not tabel:
        raise ctx.fail(f"{key}.tabel", f"expected a table name, got {_show(tabel)}")
    return AturanRealisasi(aturan=aturan, tabel=tabel, opsi=_opsi(ctx, d, key, aturan))


def _parse_realisasi(ctx: _Ctx, raw: object, key: str) -> SpesifikasiRealisasi:
    from lkjip_helpers.indikator.realisasi import daftar_aturan, tabel_bawaan

    d = ctx.mapping(raw, key, {"cara", "aturan", "tabel", "opsi", "pembanding"})
    cara = ctx.choice(d, "cara", key, CARA_REALISASI)
    if cara == "input":
        aturan = d.get("aturan", "input")
        if aturan != "input":
            raise ctx.fail(
                f"{key}.aturan",
                f"cara: input takes no rule (got {_show(aturan)}); use cara: hitung",
            )
    else:
        if "aturan" not in d:
            raise ctx.fail(f"{key}.aturan", "missing (required when cara: hitung)")
        aturan = d["aturan"]
        rules = [a for a in daftar_aturan() if a != "input"]
        if aturan not in rules:
            raise ctx.fail(
                f"{key}.aturan",
                f"{_show(aturan)} is not a known realisasi rule ({', '.join(rules)})",
            )
    tabel = d.get("tabel", tabel_bawaan(aturan))
    if not isinstance(tabel, str) or not tabel:
        raise ctx.fail(f"{key}.tabel", f"expected a table name, got {_show(tabel)}")
    opsi = _opsi(ctx, d, key, aturan)
    pembanding = None
    if d.get("pembanding") is not None:
        pembanding = _parse_aturan(ctx, d["pembanding"], f"{key}.pembanding")
    return SpesifikasiRealisasi(
        cara=cara, aturan=aturan, tabel=tabel, opsi=opsi, pembanding=pembanding
    )


def _parse_target_renstra(ctx: _Ctx, raw: object, key: str, renstra: Renstra) -> dict:
    d = ctx.mapping(raw, key)
    out: dict[int, float | None] = {}
    for k, v in d.items():
        year = int(k) if isinstance(k, str) and k.isdigit() else k
        if isinstance(year, bool) or not isinstance(year, int):
            raise ctx.fail(f"{key}.{k}", "keys must be years")
        if year not in renstra.tahun:
            raise ctx.fail(
                f"{key}.{year}",
                f"{year} is outside the Renstra period "
                f"{renstra.periode_awal}-{renstra.periode_akhir}",
            )
        # null = the indicator is not defined that year (see module docstring).
        out[year] = None if v is None else ctx.target(v, f"{key}.{year}")
    missing = [y for y in renstra.tahun if y not in out]
    if missing:
        raise ctx.fail(
            key,
            f"missing year(s) {', '.join(map(str, missing))}: the Renstra targets must cover "
            f"{renstra.periode_awal}-{renstra.periode_akhir} (write null for a year in which "
            "the indicator is not defined)",
        )
    if all(v is None for v in out.values()):
        raise ctx.fail(key, "every year is null: the indicator is never defined")
    return dict(sorted(out.items()))


def _parse_iku(ctx: _Ctx, raw: object, i: int, renstra: Renstra, sasaran: list[str]) -> Iku:
    key = f"iku[{i}]"
    d = ctx.mapping(
        raw,
        key,
        # pendukung: supporting tables/charts of the IKU section (read by laporan.py)
        {
            "kode",
            "sasaran",
            "nama",
            "satuan",
            "polaritas",
            "rumus",
            "realisasi",
            "target_renstra",
            "pendukung",
        },
    )
    kode = ctx.text(d, "kode", key)
    return Iku(
        kode=kode,
        sasaran=_ref(ctx, ctx.text(d, "sasaran", key), f"{key}.sasaran", sasaran, "sasaran"),
        nama=ctx.text(d, "nama", key),
        satuan=ctx.text(d, "satuan", key),
        polaritas=ctx.choice(d, "polaritas", key, POLARITAS),
        rumus=ctx.text(d, "rumus", key, required=False),
        realisasi=_parse_realisasi(ctx, d.get("realisasi"), f"{key}.realisasi"),
        target_renstra=_parse_target_renstra(
            ctx, d.get("target_renstra"), f"{key}.target_renstra", renstra
        ),
    )


_AGENCY_KEYS = {"instansi", "renstra", "visi", "misi", "tujuan", "sasaran", "pengukuran", "iku"}


def load_agency(
    path: Path | str | None = None, scales_path: Path | str | None = None
) -> AgencyParams:
    """Load and validate ``params/agency.yaml``.

    Parameters
    ----------
    path : Path, optional
        Defaults to :func:`lkjip_helpers.core.config.agency_file`.
    scales_path : Path, optional
        ``params/scales.yaml`` used to check the scale and IKM regulation names.

    Returns
    -------
    AgencyParams

    Raises
    ------
    ParamsError
        Naming the file and key path of the first problem found.
    """
    p = Path(path) if path is not None else agency_file()
    ctx = _Ctx(p)
    data = read_yaml(p)
    for name in sorted(_AGENCY_KEYS):
        if name not in data:
            raise ctx.fail(name, "missing (required)")
    instansi = _parse_instansi(ctx, data["instansi"])
    renstra = _parse_renstra(ctx, data["renstra"])
    visi = data["visi"]
    if not isinstance(visi, str) or not visi.strip():
        raise ctx.fail("visi", f"expected a non-empty text, got {_show(visi)}")

    misi = []
    for i, m in enumerate(ctx.list_of(data["misi"], "misi")):
        md = ctx.mapping(m, f"misi[{i}]", {"kode", "teks"})
        misi.append(Misi(ctx.text(md, "kode", f"misi[{i}]"), ctx.text(md, "teks", f"misi[{i}]")))
    _unique(ctx, misi, "misi")

    tujuan = []
    kode_misi = [m.kode for m in misi]
    for i, t in enumerate(ctx.list_of(data["tujuan"], "tujuan")):
        k = f"tujuan[{i}]"
        td = ctx.mapping(t, k, {"kode", "misi", "teks", "indikator", "target"})
        target = td.get("target")
        if target is not None:
            target = ctx.target(target, f"{k}.target")
        tujuan.append(
            Tujuan(
                kode=ctx.text(td, "kode", k),
                misi=_ref(ctx, ctx.text(td, "misi", k), f"{k}.misi", kode_misi, "misi"),
                teks=ctx.text(td, "teks", k),
                indikator=ctx.text(td, "indikator", k, required=False),
                target=target,
            )
        )
    _unique(ctx, tujuan, "tujuan")

    sasaran = []
    kode_tujuan = [t.kode for t in tujuan]
    for i, s in enumerate(ctx.list_of(data["sasaran"], "sasaran")):
        k = f"sasaran[{i}]"
        sd = ctx.mapping(s, k, {"kode", "tujuan", "teks"})
        sasaran.append(
            Sasaran(
                kode=ctx.text(sd, "kode", k),
                tujuan=_ref(ctx, ctx.text(sd, "tujuan", k), f"{k}.tujuan", kode_tujuan, "tujuan"),
                teks=ctx.text(sd, "teks", k),
            )
        )
    _unique(ctx, sasaran, "sasaran")

    pengukuran = _parse_pengukuran(ctx, data["pengukuran"], scales_path)
    kode_sasaran = [s.kode for s in sasaran]
    iku = [
        _parse_iku(ctx, raw, i, renstra, kode_sasaran)
        for i, raw in enumerate(ctx.list_of(data["iku"], "iku"))
    ]
    _unique(ctx, iku, "iku")

    if pengukuran.rumus_polaritas_negatif == "realisasi_per_target" and any(
        i.polaritas == "negatif" for i in iku
    ):
        skala = load_scales(scales_path).skala[pengukuran.skala]
        if skala.negatif is None:
            raise ctx.fail(
                "pengukuran.skala",
                f"scale {skala.nama!r} has no mirrored (negatif) bands, needed by "
                "rumus_polaritas_negatif: realisasi_per_target for negative IKU",
            )

    return AgencyParams(
        instansi=instansi,
        renstra=renstra,
        visi=" ".join(visi.split()),
        misi=tuple(misi),
        tujuan=tuple(tujuan),
        sasaran=tuple(sasaran),
        pengukuran=pengukuran,
        iku=tuple(iku),
        sumber=ctx.nama,
        lainnya={k: v for k, v in data.items() if k not in _AGENCY_KEYS},
    )


# --------------------------------------------------------------------------- year


def _parse_pk_doc(
    ctx: _Ctx, raw: object, key: str, agency: AgencyParams, tahun: int
) -> dict[str, float]:
    d = ctx.mapping(raw, key)
    known = [i.kode for i in agency.iku]
    out: dict[str, float] = {}
    for kode, value in d.items():
        if kode not in known:
            raise ctx.fail(
                f"{key}.{kode}",
                f"unknown IKU (not in {agency.sumber}); known: {', '.join(known)}",
            )
        if not agency.iku_by_kode(kode).aktif(tahun):
            raise ctx.fail(
                f"{key}.{kode}",
                f"IKU {kode} is not defined in {tahun} (target_renstra.{tahun} is null in "
                f"{agency.sumber}); remove it or give it a Renstra target",
            )
        out[kode] = ctx.target(value, f"{key}.{kode}")
    missing = [i.kode for i in agency.iku_aktif(tahun) if i.kode not in out]
    if missing:
        raise ctx.fail(key, f"missing target for {', '.join(missing)}")
    return {i.kode: out[i.kode] for i in agency.iku_aktif(tahun)}


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
    ctx = _Ctx(p)
    data = read_yaml(p)
    tahun = ctx.year(data, "tahun", "")
    if tahun != year:
        raise ctx.fail("tahun", f"{tahun} does not match the requested year {year}")
    if year not in agency.renstra.tahun:
        raise ctx.fail(
            "tahun",
            f"{year} is outside the Renstra period {agency.renstra.periode_awal}-"
            f"{agency.renstra.periode_akhir} of {agency.sumber}",
        )
    lap = ctx.mapping(data.get("laporan"), "laporan", {"tempat", "tanggal"})
    tanggal = lap.get("tanggal")
    if isinstance(tanggal, str):
        try:
            tanggal = _dt.date.fromisoformat(tanggal)
        except ValueError:
            raise ctx.fail(
                "laporan.tanggal", f"expected a date YYYY-MM-DD, got {_show(tanggal)}"
            ) from None
    if isinstance(tanggal, _dt.datetime):
        tanggal = tanggal.date()
    # null: not decided yet (a new year). The data step works without it; the
    # report asks for it (Laporan.tanggal_wajib) when it prints the date.
    if tanggal is not None and not isinstance(tanggal, _dt.date):
        raise ctx.fail("laporan.tanggal", f"expected a date YYYY-MM-DD, got {_show(tanggal)}")
    tempat = lap.get("tempat") or agency.instansi.kota
    if not isinstance(tempat, str):
        raise ctx.fail("laporan.tempat", f"expected a text, got {_show(tempat)}")

    pk = ctx.mapping(data.get("perjanjian_kinerja"), "perjanjian_kinerja", {"murni", "perubahan"})
    if "murni" not in pk:
        raise ctx.fail("perjanjian_kinerja.murni", "missing (required)")
    murni = _parse_pk_doc(ctx, pk["murni"], "perjanjian_kinerja.murni", agency, year)
    perubahan = None
    if pk.get("perubahan") is not None:
        perubahan = _parse_pk_doc(
            ctx, pk["perubahan"], "perjanjian_kinerja.perubahan", agency, year
        )
    known = {"tahun", "laporan", "perjanjian_kinerja"}
    return YearParams(
        tahun=year,
        laporan=Laporan(tempat=tempat.strip(), tanggal=tanggal, sumber=display_path(ctx.path)),
        perjanjian_kinerja=PerjanjianKinerja(murni=murni, perubahan=perubahan),
        sumber=ctx.nama,
        lainnya={k: v for k, v in data.items() if k not in known},
    )


def load_params(
    year: int,
    agency_path: Path | str | None = None,
    year_path: Path | str | None = None,
    scales_path: Path | str | None = None,
) -> Params:
    """Load ``params/agency.yaml`` and ``params/<year>.yaml`` together."""
    agency = load_agency(agency_path, scales_path)
    return Params(agency=agency, tahun=load_year(year, agency, year_path))


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
