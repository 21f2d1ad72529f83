"""The batch's terminal display (lkjip_helpers/build/batch_progress.py)."""

from __future__ import annotations

from pathlib import Path

from lkjip_helpers.build.batch import HasilBatch, Langkah, Portofolio, Tugas
from lkjip_helpers.build.batch_progress import Tampilan, cetak_akhir, durasi, eta


def test_durasi_and_eta():
    assert durasi(None) == "?"
    assert durasi(42.4) == "42 s"
    assert durasi(65) == "1 min 05 s"
    assert durasi(3 * 3600 + 5 * 60) == "3 h 05 min"
    assert eta(0, 10, 30.0) is None
    assert eta(2, 10, 30.0) == 120.0  # 15 s each, 8 to go
    assert eta(10, 10, 30.0) == 0.0


class FakeClient:
    def processing(self):
        # data and report of one agency-year count once
        return {"w1": ["data-a-1-2017-x"], "w2": ["report-b-2-2017-x", "data-b-2-2017-x"]}


def test_status_counts_running_agency_years_and_lines(capsys):
    tugas = [Tugas(Path(f"/k/{n}"), n, 2017) for n in "abc"]
    with Tampilan(FakeClient(), tugas, enabled=True) as t:
        assert "0 built, 0 failed, 2 running, 3 to go of 3" in str(t.status())
        t.selesai(tugas[0], Langkah("report", "/k/a", 2017, ok=True, dieksekusi=0, dari_cache=11))
        t.selesai(tugas[1], Langkah("data", "/k/b", 2017, ok=False, pesan="error: bad\nmore"))
        assert "1 built, 1 failed" in str(t.status())
    out = capsys.readouterr().out
    assert "[  1/3] a 2017: built (0 notebooks run, 11 cached)" in out
    assert "[  2/3] b 2017: FAILED at data: error: bad" in out


def test_final_table_lists_every_agency_and_full_messages(capsys):
    tugas = [Tugas(Path("/k/a"), "a", 2017), Tugas(Path("/k/b"), "b", 2017)]
    result = HasilBatch(Portofolio(instansi=[{"folder": "a"}]), tugas, workers=2, detik=70)
    result.hasil = {
        tugas[0]: Langkah("report", "/k/a", 2017, ok=True, dieksekusi=3, dari_cache=8),
        tugas[1]: Langkah("data", "/k/b", 2017, ok=False, pesan="error: bad\n  - row 2"),
    }
    cetak_akhir(result)
    out = capsys.readouterr().out
    assert "FAILED (data)" in out and "3/8" in out
    assert "b 2017 failed at the data step:\nerror: bad\n  - row 2" in out
    assert "1 built, 1 failed in 1 min 10 s on 2 workers" in out
