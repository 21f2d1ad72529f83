"""The city's roll-up of a batch: ``outputs/batch/<year>/``.

* ``ringkasan_iku.csv``: every built agency's IKUs (from its ``outputs/<year>/capaian_iku.csv``);
* ``ringkasan_anggaran.csv``: pagu, realisasi and serapan per agency (from its processed
  budget table ``data/processed/<year>/anggaran_belanja.csv``: the detail rows, pagu
  perubahan, as the agency's own report computes serapan);
* ``ringkasan-<year>.html``: the overview a city reviewer reads first, in Indonesian:
  agencies ranked by average capaian and serapan, what is missing, audit findings,
  links to each agency's report and a chart. Self-contained (inline CSS, script, SVG).

CSV files keep machine numbers; every number in the HTML goes through
:mod:`lkjip_helpers.laporan.formatting`. Agencies whose build failed in this batch are
not in the CSV files (their figures would be stale); the HTML lists them with their
error and a link to their last good report when there is one.
"""

from __future__ import annotations

import html
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from lkjip_helpers.core.numbers import kosong
from lkjip_helpers.data.audit import summary_counts
from lkjip_helpers.data.io import frame_to_csv_bytes, write_file_atomically
from lkjip_helpers.indikator.anggaran import serapan
from lkjip_helpers.laporan import formatting as fmt

TABEL_ANGGARAN = "anggaran_belanja"
KOLOM_IKU = [
    "instansi",
    "singkatan",
    "folder",
    "kode_iku",
    "indikator",
    "satuan",
    "polaritas",
    "target",
    "realisasi",
    "capaian",
    "capaian_dibatasi",
    "kategori",
]
KOLOM_ANGGARAN = ["instansi", "singkatan", "folder", "pagu", "realisasi", "serapan"]


@dataclass
class Instansi:
    """What the roll-up knows of one agency-year."""

    folder: Path
    label: str
    nama: str
    singkatan: str
    ok: bool
    pesan: str = ""
    iku: pd.DataFrame | None = None
    pagu: float | None = None
    realisasi: float | None = None
    serapan: float | None = None
    temuan: dict[str, int] | None = None
    kurang: list[str] = field(default_factory=list)
    laporan: Path | None = None

    @property
    def rata_capaian(self) -> float | None:
        """Mean capaian of the IKUs that have one (capped where the agency caps)."""
        if self.iku is None or self.iku.empty:
            return None
        col = "capaian_dibatasi" if "capaian_dibatasi" in self.iku else "capaian"
        values = pd.to_numeric(self.iku[col], errors="coerce").dropna()
        return float(values.mean()) if len(values) else None


def _nama(folder: Path) -> tuple[str, str]:
    """The agency's name and abbreviation from its params (the folder name if unreadable)."""
    try:
        data = yaml.safe_load((folder / "params" / "agency.yaml").read_text(encoding="utf-8"))
        inst = data.get("instansi") or {}
        return str(inst.get("nama") or folder.name), str(inst.get("singkatan") or "")
    except (OSError, yaml.YAMLError, AttributeError):
        return folder.name, ""


def anggaran_instansi(folder: Path, year: int) -> tuple[float, float, float] | None:
    """(pagu, realisasi, serapan) of an agency-year from its processed budget table."""
    path = folder / "data" / "processed" / str(year) / f"{TABEL_ANGGARAN}.csv"
    if not path.exists():
        return None
    df = pd.read_csv(path)
    if "jenis_baris" in df:
        df = df[df["jenis_baris"] == "rincian"]
    pagu_col = next((c for c in ("pagu_perubahan", "anggaran", "pagu") if c in df), None)
    if pagu_col is None or "realisasi" not in df or df.empty:
        return None
    pagu = float(pd.to_numeric(df[pagu_col], errors="coerce").sum())
    real = float(pd.to_numeric(df["realisasi"], errors="coerce").sum())
    if pagu <= 0:
        return None
    return pagu, real, serapan(real, pagu, folder.name)


def kumpulkan(label: str, folder: Path, year: int, ok: bool, pesan: str = "") -> Instansi:
    """Read what the roll-up shows of one agency-year from its folder."""
    folder = Path(folder)
    nama, singkatan = _nama(folder)
    inst = Instansi(folder, label, nama, singkatan, ok, pesan)
    out = folder / "outputs" / str(year)
    report = out / f"lkjip-{year}.html"
    inst.laporan = report if report.exists() else None
    if not ok:
        inst.kurang.append("laporan gagal dibangun")
        return inst
    capaian = out / "capaian_iku.csv"
    if capaian.exists():
        inst.iku = pd.read_csv(capaian)
        for _, row in inst.iku.iterrows():
            if kosong(row.get("realisasi")) or kosong(row.get("capaian")):
                inst.kurang.append(f"{row.get('kode')}: realisasi belum tersedia")
    else:
        inst.kurang.append("capaian IKU tidak ada")
    budget = anggaran_instansi(folder, year)
    if budget is None:
        inst.kurang.append("data anggaran tidak ada")
    else:
        inst.pagu, inst.realisasi, inst.serapan = budget
    audit = out / "audit.csv"
    if audit.exists():
        inst.temuan = summary_counts(pd.read_csv(audit))
    else:
        inst.kurang.append("hasil audit tidak ada")
    return inst


def tabel_iku(instansi: list[Instansi]) -> pd.DataFrame:
    rows = []
    for inst in instansi:
        if not inst.ok or inst.iku is None:
            continue
        for _, r in inst.iku.iterrows():
            rows.append(
                {
                    "instansi": inst.nama,
                    "singkatan": inst.singkatan,
                    "folder": inst.label,
                    "kode_iku": r.get("kode"),
                    "indikator": r.get("indikator"),
                    "satuan": r.get("satuan"),
                    "polaritas": r.get("polaritas"),
                    "target": r.get("target"),
                    "realisasi": r.get("realisasi"),
                    "capaian": r.get("capaian"),
                    "capaian_dibatasi": r.get("capaian_dibatasi"),
                    "kategori": r.get("kategori"),
                }
            )
    return pd.DataFrame(rows, columns=KOLOM_IKU)


def tabel_anggaran(instansi: list[Instansi]) -> pd.DataFrame:
    rows = [
        {
            "instansi": i.nama,
            "singkatan": i.singkatan,
            "folder": i.label,
            "pagu": i.pagu,
            "realisasi": i.realisasi,
            "serapan": i.serapan,
        }
        for i in instansi
        if i.ok and i.pagu is not None
    ]
    return pd.DataFrame(rows, columns=KOLOM_ANGGARAN)


def peringkat(instansi: list[Instansi]) -> list[Instansi]:
    """Built agencies by average capaian, then serapan (highest first); failed ones last."""

    def key(i: Instansi):
        cap = i.rata_capaian
        ser = i.serapan
        return (
            not i.ok,
            cap is None,
            -(cap or 0.0),
            ser is None,
            -(ser or 0.0),
            i.nama,
        )

    return sorted(instansi, key=key)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _num_attr(value: float | None) -> str:
    """A sort key for the table's script: the machine number, or empty."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else repr(value)


def grafik_svg(urut: list[Instansi]) -> str:
    """Horizontal bars: average capaian and serapan of each built agency (inline SVG)."""
    shown = [i for i in urut if i.ok]
    if not shown:
        return "<p>Tidak ada instansi yang berhasil dibangun.</p>"
    values = [v for i in shown for v in (i.rata_capaian, i.serapan) if v is not None]
    top = max([100.0, *values])
    label_w, bar_w, row_h = 260, 420, 34
    height = 40 + row_h * len(shown)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{label_w + bar_w + 90}" '
        f'height="{height}" aria-label="Rata-rata capaian IKU dan serapan anggaran per instansi">'
    ]
    x100 = label_w + bar_w * 100 / top
    parts.append(
        f'<line x1="{x100:.1f}" y1="20" x2="{x100:.1f}" y2="{height - 10}" '
        'stroke="#888" stroke-dasharray="4 3"/>'
        f'<text x="{x100:.1f}" y="14" font-size="11" text-anchor="middle">{_e(fmt.persen(100, 0))}</text>'
    )
    for n, inst in enumerate(shown):
        y = 26 + n * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" font-size="12" text-anchor="end">'
            f"{_e(inst.singkatan or inst.nama)}</text>"
        )
        for k, (value, colour) in enumerate(
            ((inst.rata_capaian, "#1f5f99"), (inst.serapan, "#e08a1e"))
        ):
            yy = y + k * 13
            if value is None:
                parts.append(
                    f'<text x="{label_w + 4}" y="{yy + 10}" font-size="10">{fmt.KOSONG} '
                    "tidak tersedia</text>"
                )
                continue
            w = bar_w * value / top
            parts.append(
                f'<rect x="{label_w}" y="{yy}" width="{w:.1f}" height="11" fill="{colour}"/>'
                f'<text x="{label_w + w + 4:.1f}" y="{yy + 10}" font-size="10">'
                f"{_e(fmt.persen(value))}</text>"
            )
    parts.append("</svg>")
    legend = (
        '<p class="legenda"><span style="background:#1f5f99"></span> rata-rata capaian IKU '
        '<span style="background:#e08a1e"></span> serapan anggaran</p>'
    )
    return "".join(parts) + legend


SCRIPT = """
document.querySelectorAll('table.urut th').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0];
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute('data-sort'), y = b.cells[col].getAttribute('data-sort');
      var nx = parseFloat(x), ny = parseFloat(y);
      var r;
      if (x === '' && y === '') r = 0;
      else if (x === '') return 1;   /* missing values last, either way */
      else if (y === '') return -1;
      else if (!isNaN(nx) && !isNaN(ny)) r = nx - ny;
      else r = x.localeCompare(y, 'id');
      return asc ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: 0.92rem; }
th, td { border: 1px solid #ccc; padding: 0.35rem 0.5rem; vertical-align: top; }
th { background: #eef2f6; cursor: pointer; text-align: left; }
th[aria-sort=ascending]::after { content: " \\25B2"; }
th[aria-sort=descending]::after { content: " \\25BC"; }
td.angka { text-align: right; white-space: nowrap; }
tr.gagal td { background: #fdecea; }
.pesan { font-family: monospace; white-space: pre-wrap; font-size: 0.8rem; max-width: 30rem; }
.legenda span { display: inline-block; width: 1em; height: 0.8em; margin-left: 1em; }
"""


def _sel(text: str, sort: str = "", angka: bool = False) -> str:
    cls = ' class="angka"' if angka else ""
    return f'<td{cls} data-sort="{_e(sort)}">{text}</td>'


def html_ringkasan(year: int, urut: list[Instansi], out_dir: Path, judul: str = "") -> str:
    """The roll-up page (links relative to ``out_dir``, where it is written)."""
    built = [i for i in urut if i.ok]
    failed = [i for i in urut if not i.ok]
    rows = []
    for rank, inst in enumerate(urut, start=1):
        n_iku = 0 if inst.iku is None else len(inst.iku)
        temuan = inst.temuan or {}
        if inst.laporan is not None:
            link = os.path.relpath(inst.laporan, out_dir)
            text = "laporan" if inst.ok else "laporan terakhir yang berhasil"
            laporan = f'<a href="{_e(Path(link).as_posix())}">{text}</a>'
        else:
            laporan = fmt.KOSONG
        status = "berhasil" if inst.ok else "gagal dibangun"
        if not inst.ok and inst.pesan:
            status += f'<div class="pesan">{_e(inst.pesan)}</div>'
        kurang = "; ".join(inst.kurang) if inst.kurang else "lengkap"
        rows.append(
            f'<tr class="{"berhasil" if inst.ok else "gagal"}">'
            + _sel(
                fmt.angka(rank, 0) if inst.ok else fmt.KOSONG, str(rank) if inst.ok else "", True
            )
            + _sel(
                _e(inst.nama) + (f" ({_e(inst.singkatan)})" if inst.singkatan else ""), inst.nama
            )
            + _sel(status, status)
            + _sel(
                fmt.angka(n_iku, 0) if inst.ok else fmt.KOSONG, str(n_iku) if inst.ok else "", True
            )
            + _sel(fmt.persen(inst.rata_capaian), _num_attr(inst.rata_capaian), True)
            + _sel(fmt.persen(inst.serapan), _num_attr(inst.serapan), True)
            + _sel(fmt.rupiah(inst.pagu, 0), _num_attr(inst.pagu), True)
            + _sel(fmt.rupiah(inst.realisasi, 0), _num_attr(inst.realisasi), True)
            + _sel(
                fmt.angka(temuan.get("temuan"), 0) if temuan else fmt.KOSONG,
                _num_attr(float(temuan["temuan"])) if temuan else "",
                True,
            )
            + _sel(
                fmt.angka(temuan.get("material"), 0) if temuan else fmt.KOSONG,
                _num_attr(float(temuan["material"])) if temuan else "",
                True,
            )
            + _sel(_e(kurang), kurang)
            + _sel(laporan, "")
            + "</tr>"
        )
    header = "".join(
        f'<th scope="col">{h}</th>'
        for h in (
            "Peringkat",
            "Perangkat daerah",
            "Status",
            "Jumlah IKU",
            "Rata-rata capaian IKU",
            "Serapan anggaran",
            "Pagu",
            "Realisasi anggaran",
            "Temuan audit",
            "Temuan material",
            "Data belum tersedia",
            "Laporan",
        )
    )
    title = f"Ringkasan LKjIP Tahun {fmt.tahun(year)}"
    sub = f"<p>{_e(judul)}</p>" if judul else ""
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>{_e(title)}</h1>
{sub}
<p>{fmt.angka(len(urut), 0)} perangkat daerah: {fmt.angka(len(built), 0)} laporan berhasil
dibangun, {fmt.angka(len(failed), 0)} gagal. Peringkat menurut rata-rata capaian IKU
(capaian setelah batas maksimum yang dipakai masing-masing instansi; IKU tanpa realisasi
tidak dihitung), lalu serapan anggaran (realisasi dibagi pagu perubahan). Klik judul kolom
untuk mengurutkan.</p>
<h2>Grafik</h2>
{grafik_svg(urut)}
<h2>Perangkat daerah</h2>
<table class="urut">
<thead><tr>{header}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<p>Temuan audit: jumlah inkonsistensi angka yang ditemukan pemeriksaan data masing-masing
instansi (lampiran Catatan Kualitas Data pada laporannya); temuan material menyangkut
tabel anggaran atau IKU. Rincian per IKU: <a href="ringkasan_iku.csv">ringkasan_iku.csv</a>;
anggaran: <a href="ringkasan_anggaran.csv">ringkasan_anggaran.csv</a>.</p>
<script>{SCRIPT}</script>
</body>
</html>
"""


def tulis_ringkasan(year: int, hasil: list, out_dir: Path, judul: str = "") -> dict[str, Path]:
    """Write the roll-up of ``year`` into ``out_dir``.

    ``hasil`` is a list of (agency-year, step result) pairs: objects with ``folder``
    and ``label`` (the agency) and with ``ok`` and ``pesan`` (the build's outcome).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    instansi = [kumpulkan(t.label, t.folder, year, h.ok, h.pesan) for t, h in hasil]
    urut = peringkat(instansi)
    files = {
        "iku": out_dir / "ringkasan_iku.csv",
        "anggaran": out_dir / "ringkasan_anggaran.csv",
        "html": out_dir / f"ringkasan-{year}.html",
        "status": out_dir / "status.json",
    }
    write_file_atomically(files["iku"], frame_to_csv_bytes(tabel_iku(urut)))
    write_file_atomically(files["anggaran"], frame_to_csv_bytes(tabel_anggaran(urut)))
    write_file_atomically(files["html"], html_ringkasan(year, urut, out_dir, judul).encode("utf-8"))
    status = [
        {"folder": i.label, "instansi": i.nama, "ok": i.ok, "pesan": i.pesan, "kurang": i.kurang}
        for i in urut
    ]
    write_file_atomically(
        files["status"], (json.dumps(status, indent=1, ensure_ascii=False) + "\n").encode()
    )
    return files
