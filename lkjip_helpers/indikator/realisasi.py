"""Named rules that produce an IKU's realisasi from processed tables, with provenance.

``params/agency.yaml`` says for each IKU how its realisasi is obtained::

    realisasi: {cara: input, tabel: realisasi_iku}                       # entered figure
    realisasi: {cara: hitung, aturan: penurunan_kasus_disiplin, tabel: kasus_disiplin}

A rule is a function registered under a name; a new rule is one decorated function
here, after which any agency can name it in its YAML. Every result carries its
provenance (rule, table, the inputs used and, for entered figures, the evidence
``sumber_data``) so the report can say where each realisasi comes from.

Rules
-----
``input``
    Table ``realisasi_iku`` (``kode_iku, realisasi, sumber_data``; optional ``tahun``
    and ``alasan_tidak_tersedia``): the figure entered for the IKU. A realisasi that
    could not be obtained (the survey did not take place) is declared by leaving
    ``realisasi`` empty and writing why in ``alasan_tidak_tersedia``: the result is
    then *not available* (``nilai`` None, ``alasan`` the reason), never a guess. An
    empty realisasi without a reason is an error saying how to declare it.
``penurunan_kasus_disiplin``
    Table ``kasus_disiplin`` (``tahun, jumlah_kasus``; optional ``jenis_baris``):
    (cases n-1 - cases n) / cases n-1 x 100 (see :mod:`lkjip_helpers.indikator.disiplin`).
``kompetensi_dari_gap``
    2017 gap-analysis table (``opd, jenis_baris, gaps``; optional ``tahun``):
    (1 - mean gap) x 100 (see :mod:`lkjip_helpers.indikator.kompetensi`). Column names are
    options (``opsi: {kolom_gap: ..., kolom_opd: ..., kolom_jenis: ..., jenis: ...}``).

Errors: an unknown rule, a missing table, column, year or IKU row raise
:class:`MissingDataError` naming what is missing. For an IKU computed by a rule
(``cara: hitung``) whose input is absent (its table is not in the year's data,
or the table has no figures for a year the rule needs), :func:`jalankan_aturan`
called with ``tanpa_masukan_tidak_terukur=True`` returns a *not available*
result instead, its reason saying what is missing: the IKU is then "tidak dapat
diukur", like a realisasi declared not available. A malformed table (a missing
column, duplicate rows) is still an error.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from lkjip_helpers.core.exceptions import MissingDataError, ParamsError
from lkjip_helpers.core.numbers import is_finite_number
from lkjip_helpers.indikator.disiplin import persentase_penurunan
from lkjip_helpers.indikator.kompetensi import kompetensi_dari_gap as _kompetensi_dari_gap


@dataclass(frozen=True)
class HasilRealisasi:
    """A realisasi value and where it comes from.

    Attributes
    ----------
    kode_iku : str
    tahun : int
    nilai : float
        The realisasi, in the IKU's unit.
    aturan : str
        Rule name (``input`` for an entered figure).
    tabel : str
        Processed table the rule read.
    bukti : str or None
        Evidence for an entered figure (``sumber_data``); None for computed ones.
    masukan : mapping
        The inputs the rule used (e.g. ``{"kasus_2016": 21, "kasus_2017": 17}``),
        for the report's explanation and the audit.
    alasan : str or None
        Why the realisasi is not available (``nilai`` is then None); None when it is.
    """

    kode_iku: str
    tahun: int
    nilai: float | None
    aturan: str
    tabel: str
    bukti: str | None = None
    masukan: Mapping[str, object] = field(default_factory=dict)
    alasan: str | None = None

    @property
    def tersedia(self) -> bool:
        """True when the realisasi is a number (not declared unavailable)."""
        return self.nilai is not None


class RealisasiTidakTersedia(Exception):
    """Raised by a rule when the data declares the realisasi not available.

    Not an error: :func:`jalankan_aturan` turns it into a :class:`HasilRealisasi`
    with ``nilai`` None and the reason.
    """

    def __init__(self, alasan: str, bukti: str | None = None):
        super().__init__(alasan)
        self.alasan = alasan
        self.bukti = bukti


class MasukanTidakAda(MissingDataError):
    """A computed rule's input is absent: its table has no figures for a year it needs.

    ``alasan`` says so in the report's language (Indonesian), for the
    "tidak dapat diukur" row.
    """

    def __init__(self, pesan: str, alasan: str):
        super().__init__(pesan)
        self.alasan = alasan


def _tanpa_garis(nama: str) -> str:
    """``kasus_disiplin`` -> ``kasus disiplin``: a table or column name as words."""
    return str(nama).replace("_", " ")


# A rule receives the table, the year, the IKU code and its options and returns
# (value, evidence or None, inputs used).
FungsiAturan = Callable[..., tuple[float, str | None, dict]]


@dataclass(frozen=True)
class _Aturan:
    nama: str
    fungsi: FungsiAturan
    tabel_bawaan: str
    keterangan: str


_ATURAN: dict[str, _Aturan] = {}


def daftar_aturan() -> list[str]:
    """Names of the registered rules."""
    return sorted(_ATURAN)


def tabel_bawaan(nama: str) -> str | None:
    """Default table of a rule (used when the YAML gives no ``tabel``)."""
    a = _ATURAN.get(nama)
    return a.tabel_bawaan if a else None


def parameter_aturan(nama: str) -> list[str]:
    """Option names a rule accepts (its keyword parameters after the fixed four)."""
    a = _ATURAN.get(nama)
    if a is None:
        return []
    params = list(inspect.signature(a.fungsi).parameters)
    return params[4:]


def daftarkan(
    nama: str, tabel: str, keterangan: str = ""
) -> Callable[[FungsiAturan], FungsiAturan]:
    """Decorator registering a rule under ``nama`` with its default table."""

    def wrap(fn: FungsiAturan) -> FungsiAturan:
        if nama in _ATURAN:
            raise ValueError(f"realisasi rule {nama!r} registered twice")
        _ATURAN[nama] = _Aturan(nama, fn, tabel, keterangan or (fn.__doc__ or "").strip())
        return fn

    return wrap


def _kolom(df: pd.DataFrame, kolom: Iterable[str], nama_tabel: str, konteks: str) -> None:
    hilang = [c for c in kolom if c not in df.columns]
    if hilang:
        raise MissingDataError(
            f"table {nama_tabel!r} has no column(s) {', '.join(hilang)} needed by {konteks}; "
            f"columns present: {', '.join(map(str, df.columns))}."
        )


def _utuh(x: float) -> float | int:
    """Show a whole count as an int in the provenance (21, not 21.0)."""
    return int(x) if float(x).is_integer() else x


def _per_tahun(df: pd.DataFrame, kolom_tahun: str, tahun: int) -> pd.DataFrame:
    if kolom_tahun not in df.columns:
        return df
    return df[pd.to_numeric(df[kolom_tahun], errors="coerce") == tahun]


# --------------------------------------------------------------------------- rules


@daftarkan("input", "realisasi_iku", "Realisasi entered with its evidence (sumber_data).")
def _input(
    df: pd.DataFrame,
    tahun: int,
    kode_iku: str,
    nama_tabel: str,
    kolom_kode: str = "kode_iku",
    kolom_nilai: str = "realisasi",
    kolom_sumber: str = "sumber_data",
    kolom_tahun: str = "tahun",
    kolom_alasan: str = "alasan_tidak_tersedia",
) -> tuple[float, str | None, dict]:
    konteks = f"rule 'input' for {kode_iku}"
    _kolom(df, [kolom_kode, kolom_nilai], nama_tabel, konteks)
    rows = _per_tahun(df, kolom_tahun, tahun)
    rows = rows[rows[kolom_kode].astype(str) == kode_iku]
    if rows.empty:
        raise MissingDataError(
            f"table {nama_tabel!r} has no row for {kode_iku}"
            + (f" in {tahun}" if kolom_tahun in df.columns else "")
            + f"; add its realisasi (with {kolom_sumber})."
        )
    if len(rows) > 1:
        raise MissingDataError(
            f"table {nama_tabel!r} has {len(rows)} rows for {kode_iku}; keep exactly one."
        )
    nilai = pd.to_numeric(rows[kolom_nilai], errors="coerce").iloc[0]
    bukti = _teks(rows, kolom_sumber)
    alasan = _teks(rows, kolom_alasan)
    if not is_finite_number(nilai):
        if alasan is not None:
            raise RealisasiTidakTersedia(alasan, bukti)
        raise MissingDataError(
            f"table {nama_tabel!r}: realisasi of {kode_iku} is empty. Enter it, or, if it "
            f"could not be obtained, declare it not available: leave realisasi empty and "
            f"write the reason in column {kolom_alasan!r} (e.g. 'survei tidak dilaksanakan')."
        )
    if alasan is not None:
        raise MissingDataError(
            f"table {nama_tabel!r}: {kode_iku} has a realisasi ({nilai:g}) and a reason it is "
            f"not available ({kolom_alasan}: {alasan!r}); keep one of them."
        )
    return float(nilai), bukti, {kolom_nilai: float(nilai)}


def _teks(rows: pd.DataFrame, kolom: str) -> str | None:
    """The stripped text of ``kolom`` in the first row, None when absent or blank."""
    if kolom not in rows.columns:
        return None
    v = rows[kolom].iloc[0]
    return None if pd.isna(v) or not str(v).strip() else str(v).strip()


def _kasus(
    df: pd.DataFrame, th: int, nama_tabel: str, kolom_tahun: str, kolom_nilai: str, kolom_jenis: str
) -> float:
    rows = df[pd.to_numeric(df[kolom_tahun], errors="coerce") == th]
    if kolom_jenis in rows.columns:
        # The published table prints a TOTAL row: use it; else add up the detail rows.
        total = rows[rows[kolom_jenis] == "jumlah"]
        rows = total if not total.empty else rows[rows[kolom_jenis] == "rincian"]
        if len(total) > 1:
            raise MissingDataError(f"table {nama_tabel!r} has {len(total)} total rows for {th}.")
    elif len(rows) > 1:
        raise MissingDataError(
            f"table {nama_tabel!r} has {len(rows)} rows for {th} and no {kolom_jenis!r} "
            "column to tell totals from details; keep one row per year."
        )
    nilai = pd.to_numeric(rows[kolom_nilai], errors="coerce")
    if rows.empty or nilai.isna().all():
        raise MasukanTidakAda(
            f"table {nama_tabel!r} has no {kolom_nilai} for {th} (year n-1 and year n are both "
            "needed for the decrease).",
            f"data {_tanpa_garis(kolom_nilai)} tahun {th} tidak tersedia dalam tabel "
            f"{_tanpa_garis(nama_tabel)}; penurunan dihitung dari angka tahun sebelumnya "
            "dan tahun berjalan",
        )
    return float(nilai.sum())


@daftarkan(
    "penurunan_kasus_disiplin",
    "kasus_disiplin",
    "(cases n-1 - cases n) / cases n-1 x 100.",
)
def _penurunan_kasus_disiplin(
    df: pd.DataFrame,
    tahun: int,
    kode_iku: str,
    nama_tabel: str,
    kolom_tahun: str = "tahun",
    kolom_nilai: str = "jumlah_kasus",
    kolom_jenis: str = "jenis_baris",
) -> tuple[float, str | None, dict]:
    _kolom(
        df,
        [kolom_tahun, kolom_nilai],
        nama_tabel,
        f"rule 'penurunan_kasus_disiplin' for {kode_iku}",
    )
    lalu = _kasus(df, tahun - 1, nama_tabel, kolom_tahun, kolom_nilai, kolom_jenis)
    kini = _kasus(df, tahun, nama_tabel, kolom_tahun, kolom_nilai, kolom_jenis)
    nilai = persentase_penurunan(lalu, kini)
    return nilai, None, {f"kasus_{tahun - 1}": _utuh(lalu), f"kasus_{tahun}": _utuh(kini)}


@daftarkan(
    "kompetensi_dari_gap",
    "gap_kompetensi",
    "(1 - mean competency gap) x 100 from the gap-analysis table.",
)
def _kompetensi(
    df: pd.DataFrame,
    tahun: int,
    kode_iku: str,
    nama_tabel: str,
    kolom_opd: str = "opd",
    kolom_jenis: str = "jenis_baris",
    kolom_gap: str = "gaps",
    jenis: str | None = "rincian",
    kolom_tahun: str = "tahun",
) -> tuple[float, str | None, dict]:
    _kolom(df, [kolom_opd, kolom_gap], nama_tabel, f"rule 'kompetensi_dari_gap' for {kode_iku}")
    rows = _per_tahun(df, kolom_tahun, tahun)
    if rows.empty:
        raise MasukanTidakAda(
            f"table {nama_tabel!r} has no rows for {tahun}.",
            f"data tahun {tahun} tidak tersedia dalam tabel {_tanpa_garis(nama_tabel)}",
        )
    hasil = _kompetensi_dari_gap(rows, kolom_gap=kolom_gap, kolom_jenis=kolom_jenis, jenis=jenis)
    pilihan = rows if jenis is None or kolom_jenis not in rows else rows[rows[kolom_jenis] == jenis]
    return (
        hasil.persen_sesuai,
        None,
        {
            "gap_rata_rata": hasil.gap,
            "jumlah_baris": hasil.jumlah_data,
            "jumlah_opd": int(pilihan[kolom_opd].nunique()),
        },
    )


# --------------------------------------------------------------------------- running


def jalankan_aturan(
    nama: str,
    tabel: Mapping[str, pd.DataFrame],
    tahun: int,
    kode_iku: str,
    nama_tabel: str | None = None,
    tanpa_masukan_tidak_terukur: bool = False,
    **opsi: object,
) -> HasilRealisasi:
    """Run rule ``nama`` for one IKU and year.

    Parameters
    ----------
    nama : str
        Registered rule name (:func:`daftar_aturan`).
    tabel : mapping of str to DataFrame
        Processed tables of the year, by name.
    tahun : int
        Report year (year n).
    kode_iku : str
    nama_tabel : str, optional
        Table to read; defaults to the rule's default table.
    tanpa_masukan_tidak_terukur : bool
        For an IKU computed by the rule (``cara: hitung``): when its table is not in
        the year's data or lacks a year it needs (:class:`MasukanTidakAda`), return a
        not-available result saying so instead of raising.
    **opsi
        Rule options (column names...).

    Returns
    -------
    HasilRealisasi
        With ``nilai`` None and ``alasan`` set when the data declares the
        realisasi not available.

    Raises
    ------
    MissingDataError
        Unknown rule, missing table, column, year or IKU row.
    ParamsError
        An option the rule does not accept.
    """
    if nama not in _ATURAN:
        raise MissingDataError(
            f"{kode_iku}: unknown realisasi rule {nama!r}; "
            f"known rules: {', '.join(daftar_aturan())}."
        )
    a = _ATURAN[nama]
    nt = nama_tabel or a.tabel_bawaan

    def tidak_terukur(alasan: str) -> HasilRealisasi:
        return HasilRealisasi(
            kode_iku=kode_iku, tahun=tahun, nilai=None, aturan=nama, tabel=nt, alasan=alasan
        )

    if nt not in tabel and tanpa_masukan_tidak_terukur:
        return tidak_terukur(
            f"tabel {_tanpa_garis(nt)} yang menjadi dasar perhitungan tidak tersedia "
            f"untuk tahun {tahun}"
        )
    if nt not in tabel:
        raise MissingDataError(
            f"{kode_iku}: table {nt!r} needed by rule {nama!r} is not in the processed data of "
            f"{tahun} (tables present: {', '.join(sorted(tabel)) or 'none'})."
        )
    asing = sorted(set(opsi) - set(parameter_aturan(nama)))
    if asing:
        raise ParamsError(
            f"{kode_iku}: rule {nama!r} has no option(s) {', '.join(asing)}; "
            f"options: {', '.join(parameter_aturan(nama))}."
        )
    try:
        nilai, bukti, masukan = a.fungsi(tabel[nt], tahun, kode_iku, nt, **opsi)
    except MasukanTidakAda as kosong:
        if not tanpa_masukan_tidak_terukur:
            raise
        return tidak_terukur(kosong.alasan)
    except RealisasiTidakTersedia as kosong:
        return HasilRealisasi(
            kode_iku=kode_iku,
            tahun=tahun,
            nilai=None,
            aturan=nama,
            tabel=nt,
            bukti=kosong.bukti,
            alasan=kosong.alasan,
        )
    return HasilRealisasi(
        kode_iku=kode_iku,
        tahun=tahun,
        nilai=float(nilai),
        aturan=nama,
        tabel=nt,
        bukti=bukti,
        masukan=dict(masukan),
    )
