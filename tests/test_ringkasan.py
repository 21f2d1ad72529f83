"""The city roll-up (lkjip_helpers/build/ringkasan.py), from fake agency outputs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from lkjip_helpers.build.ringkasan import kumpulkan, peringkat, tulis_ringkasan
from lkjip_helpers.laporan import formatting as fmt

CAPAIAN_HEADER = "kode,sasaran,indikator,satuan,polaritas,target,realisasi,capaian,capaian_dibatasi,skor,kategori"
AUDIT_HEADER = (
    "temuan,jenis,tingkat,pola,tabel,item,nilai_publikasi,nilai_hitung,selisih,aturan,"
    "tabel_data,keterangan"
)


@dataclass(frozen=True)
class T:
    folder: Path
    label: str


@dataclass
class H:
    ok: bool
    pesan: str = ""


def _agency(base: Path, name: str, singkatan: str, capaian_rows, audit_rows, budget) -> T:
    folder = base / name
    (folder / "params").mkdir(parents=True)
    (folder / "params" / "agency.yaml").write_text(
        f"instansi:\n  nama: {singkatan} panjang\n  singkatan: {singkatan}\n", encoding="utf-8"
    )
    out = folder / "outputs" / "2017"
    out.mkdir(parents=True)
    (out / "capaian_iku.csv").write_text(
        "\n".join([CAPAIAN_HEADER, *capaian_rows]) + "\n", encoding="utf-8"
    )
    (out / "audit.csv").write_text("\n".join([AUDIT_HEADER, *audit_rows]) + "\n", encoding="utf-8")
    (out / "lkjip-2017.html").write_text("<html></html>", encoding="utf-8")
    if budget is not None:
        processed = folder / "data" / "processed" / "2017"
        processed.mkdir(parents=True)
        lines = ["no,uraian,jenis_baris,pagu_murni,pagu_perubahan,realisasi,persen"]
        lines += [f"{i},B{i},rincian,{p},{p},{r},0" for i, (p, r) in enumerate(budget, 1)]
        total_p, total_r = sum(p for p, _ in budget), sum(r for _, r in budget)
        lines.append(f",TOTAL,jumlah,{total_p},{total_p},{total_r},0")
        (processed / "anggaran_belanja.csv").write_text("\n".join(lines) + "\n", "utf-8")
    return T(folder, name)


@pytest.fixture
def agencies(tmp_path):
    kota = tmp_path / "kota"
    a = _agency(
        kota,
        "a",
        "DinA",
        [
            "IKU-1,S1,Satu,persen,positif,80,88,110,100,4,Sangat Baik",
            "IKU-2,S1,Dua,persen,negatif,10,12,80,80,2,Cukup",
        ],
        [
            "T01,inkonsistensi,minor,x,Tabel 1.1,a,1,2,1,sum_rows,t,",
            "T01,inkonsistensi,minor,x,Tabel 1.1,b,1,2,1,sum_rows,t,",
            "T02,inkonsistensi,material,x,Tabel 3.1,c,1,2,1,ratio,t,",
            "P01,penyajian,minor,x,Tabel 2.1,d,1,2,1,ratio,t,",
        ],
        [(1000.0, 900.0), (3000.0, 2850.0)],
    )
    b = _agency(
        kota,
        "b",
        "DinB",
        [
            "IKU-1,S1,Satu,persen,positif,80,72,90,90,3,Baik",
            "IKU-5,S2,Lima,skor,positif,70,,,,,tidak dapat diukur",
        ],
        [],
        None,
    )
    c = _agency(
        kota,
        "c",
        "DinC",
        ["IKU-1,S1,Satu,persen,positif,50,50,100,100,4,Sangat Baik"],
        [],
        [(10.0, 5.0)],
    )
    return tmp_path, [(a, H(True)), (b, H(True)), (c, H(False, "error: tabel rusak\n  - baris 2"))]


def test_rollup_csvs_hold_the_built_agencies_only(agencies):
    tmp, hasil = agencies
    files = tulis_ringkasan(2017, hasil, tmp / "outputs" / "batch" / "2017", "Kota Contoh")
    iku = pd.read_csv(files["iku"])
    assert list(iku["folder"]) == ["a", "a", "b", "b"]  # ranked: a (95) before b (90)
    assert list(iku["kode_iku"]) == ["IKU-1", "IKU-2", "IKU-1", "IKU-5"]
    assert iku.loc[1, "capaian"] == 80 and iku.loc[1, "kategori"] == "Cukup"
    assert pd.isna(iku.loc[3, "realisasi"])
    assert iku.loc[0, "instansi"] == "DinA panjang"
    anggaran = pd.read_csv(files["anggaran"])
    assert list(anggaran["folder"]) == ["a"]  # b has no budget table, c failed
    row = anggaran.iloc[0]
    assert (row["pagu"], row["realisasi"]) == (4000.0, 3750.0)
    assert row["serapan"] == pytest.approx(93.75)


def test_rollup_page_ranks_formats_links_and_shows_what_is_missing(agencies):
    tmp, hasil = agencies
    out = tmp / "outputs" / "batch" / "2017"
    page = Path(tulis_ringkasan(2017, hasil, out)["html"]).read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="id">' in page
    # ranking by average capaian (capped): a 90,00% = (100 + 80) / 2, then b 90,00% of one IKU
    rows = re.findall(r"<tr class=\"(berhasil|gagal)\">(.*?)</tr>", page, flags=re.S)
    names = [re.search(r"Din[ABC]", r).group(0) for _, r in rows]
    assert names == ["DinA", "DinB", "DinC"]
    assert fmt.persen(90) in rows[0][1] and fmt.persen(93.75) in rows[0][1]
    assert fmt.rupiah(4000, 0) in rows[0][1]
    # audit: 2 inconsistencies (T01, T02), 1 material; presentation remarks not counted
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[0][1], flags=re.S)
    assert cells[8] == fmt.angka(2, 0) and cells[9] == fmt.angka(1, 0)
    # what is missing, per agency
    assert "IKU-5: realisasi belum tersedia" in rows[1][1]
    assert "data anggaran tidak ada" in rows[1][1]
    assert "laporan gagal dibangun" in rows[2][1] and "error: tabel rusak" in rows[2][1]
    # relative links to each report, the failed one's last good report named as such
    assert 'href="../../../kota/a/outputs/2017/lkjip-2017.html"' in page
    assert "laporan terakhir yang berhasil" in rows[2][1]
    # a chart, and nothing loaded from elsewhere
    assert "<svg" in page and "</svg>" in page
    assert not re.search(r"(src|href)=\"https?://", page)


def test_failed_agencies_rank_last_and_missing_capaian_after_present(agencies):
    tmp, hasil = agencies
    insts = [kumpulkan(t.label, t.folder, 2017, h.ok, h.pesan) for t, h in hasil]
    assert [i.label for i in peringkat(list(reversed(insts)))] == ["a", "b", "c"]
    assert insts[0].rata_capaian == pytest.approx(90.0)
    assert insts[1].rata_capaian == pytest.approx(90.0)  # IKU-5 without capaian excluded


def test_html_escapes_agency_text(tmp_path):
    t = _agency(
        tmp_path, "x", "<b>Din</b>", ["IKU-1,S1,Satu,persen,positif,1,1,100,100,4,Baik"], [], None
    )
    page = Path(tulis_ringkasan(2017, [(t, H(True))], tmp_path / "out")["html"]).read_text("utf-8")
    assert "<b>Din</b>" not in page and "&lt;b&gt;Din&lt;/b&gt;" in page
