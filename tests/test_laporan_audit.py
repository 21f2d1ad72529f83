"""Tests of the audit part of lkjip_helpers.laporan.tables: the appendix entries
(one per finding, in Indonesian) and the "Catatan penyajian" list."""

from __future__ import annotations

from lkjip_helpers.data.audit import Finding, findings_frame, summary_counts, tabel_laporan
from lkjip_helpers.laporan import tables as lt


def place(item, pub, hit, rule="share_of_total", **kw) -> Finding:
    kw.setdefault("cell", ("t", item, "p"))
    return Finding("Tabel 9.9", item, pub, hit, pub - hit, rule, "t", **kw)


def audit_frame():
    shifted = [
        place(f"r{i}: p", pub, hit, group="geser:t:p", pola="geser_bawah", kolom="p")
        for i, (pub, hit) in enumerate([(20.0, 10.0), (30.0, 20.0), (0.0, 30.0)])
    ]
    total = place("JUMLAH: n", 42.0, 32.0, rule="sum_rows", kolom="n")
    prose = [
        Finding(
            "Bab III a",
            "target",
            23.0,
            24.0,
            -1.0,
            "angka_publikasi",
            "angka",
            "A1",
            cell=("angka", 0, "v"),
            lokasi_teks="Bab III a",
        ),
        Finding(
            "Bab III a",
            "realisasi",
            24.0,
            23.0,
            1.0,
            "angka_publikasi",
            "angka",
            "A2",
            cell=("angka", 1, "v"),
            lokasi_teks="Bab III a",
        ),
    ]
    remarks = [
        Finding(
            "Tabel 9.9",
            "header kolom 5",
            "REALISASASI",
            "realisasi_2017",
            None,
            "koreksi_header",
            "t",
            jenis="penyajian",
        ),
        Finding(
            "Bab I",
            "capaian",
            380.0,
            380.95,
            -0.95,
            "angka_publikasi",
            "angka",
            jenis="penyajian",
            pola="pemotongan",
        ),
    ]
    return findings_frame([*shifted, total, *prose, *remarks])


def test_appendix_has_one_entry_per_finding():
    audit = audit_frame()
    table = lt.tabel_audit(audit)
    assert table["No"].tolist() == ["T01", "T02", "T03"]
    geser, jumlah, tukar = (plain(u) for u in table["Uraian"])
    assert "bergeser satu baris" in geser and "baris di bawahnya" in geser
    assert "Tercetak 42 di Tabel 9.9 LKjIP terbitan (JUMLAH: n)" in jumlah
    assert "memberi 32" in jumlah and "lebih mungkin benar" in jumlah
    assert "tertukar" in tukar and "23 dan 24" in tukar
    assert plain(table["Tempat"].iloc[0]) == "Tabel 9.9 LKjIP terbitan"
    assert plain(table["Tempat"].iloc[2]) == "LKjIP terbitan, Bab III a"


def test_each_finding_names_this_reports_table_as_a_live_reference():
    audit = audit_frame()
    peta = {"Tabel 9.9": ("tbl-contoh",), "Tabel 3.7": ("tbl-a", "tbl-b")}
    table = lt.tabel_audit(audit, peta)
    tempat = table["Tempat"].iloc[0]
    # the number is the renderer's (a cross-reference), never typed
    assert plain(tempat) == "Tabel 9.9 LKjIP terbitan; di laporan ini @tbl-contoh"
    assert str(tempat).endswith("; di laporan ini @tbl-contoh")
    # a page of prose that names no table has no report table
    assert plain(table["Tempat"].iloc[2]) == "LKjIP terbitan, Bab III a"
    # without the mapping the published place alone
    assert plain(lt.tabel_audit(audit)["Tempat"].iloc[0]) == "Tabel 9.9 LKjIP terbitan"


def test_report_tables_of_a_place():
    peta = {"Tabel 3.7": ("tbl-a",), "Tabel 3.30": ("tbl-x", "tbl-y"), "Tabel 3.3": ("tbl-a",)}
    assert tabel_laporan(["Tabel 3.7"], peta) == ["tbl-a"]
    # a prose place names the table it stands by; each label once, in order
    assert tabel_laporan(["Bab III (narasi setelah Tabel 3.30)", "Tabel 3.3"], peta) == [
        "tbl-x",
        "tbl-y",
        "tbl-a",
    ]
    # "Tabel 3.3" is not "Tabel 3.30"; an unmapped or prose-only place gives none
    assert tabel_laporan(["Tabel 3.31", "Bab I 1.4.3 (narasi)"], peta) == []


def test_presentation_remarks_are_listed_apart():
    table = lt.tabel_penyajian(audit_frame())
    assert table["No"].tolist() == ["P01", "P02"]
    assert table["Tercetak"].tolist() == ["REALISASASI", "380"]
    assert plain(table["Dibaca sebagai"].iloc[1]) == "380,95 (dipotong, bukan dibulatkan)"


def test_opening_sentence_counts_are_the_summary_counts():
    audit = audit_frame()
    n = summary_counts(audit)
    assert n == {"temuan": 3, "tempat": 6, "material": 0, "penyajian": 2}
    kalimat = lt.kalimat_audit(audit)
    kalimat = plain(kalimat)
    assert "3 ketidaksesuaian" in kalimat and "6 tempat" in kalimat
    assert "2 catatan penyajian" in kalimat


def test_empty_audit():
    empty = findings_frame([])
    assert lt.tabel_audit(empty).empty and lt.tabel_penyajian(empty).empty
    assert "0 ketidaksesuaian" in plain(lt.kalimat_audit(empty))


def plain(text):
    """What the reader reads: a Markdown text without its escapes."""
    return getattr(text, "plain", text)


def test_published_tables_are_named_once_whatever_their_number():
    """'Tabel 3.24' is not read as 'Tabel 3.2' followed by '4'; each table of a place
    is named as the published report's, once."""
    assert lt.kata("Tabel 3.24 LKjIP terbitan; Tabel 3.21") == (
        "Tabel 3.24 LKjIP terbitan; Tabel 3.21 LKjIP terbitan"
    )
    assert lt.bukti_terbitan("lihat Tabel 3.5.") == "lihat Tabel 3.5 LKjIP terbitan."
    table = lt.tabel_audit(
        findings_frame([place("JUMLAH: n", 42.0, 32.0, rule="sum_rows", kolom="n")]).assign(
            tabel="Tabel 3.3 (2015), Tabel 3.4 (2016)"
        )
    )
    tempat = plain(table["Tempat"].iloc[0])
    assert tempat == "Tabel 3.3 LKjIP terbitan (2015), Tabel 3.4 LKjIP terbitan (2016)"
    assert "terbitan LKjIP" not in plain(table["Uraian"].iloc[0])
