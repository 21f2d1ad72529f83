"""The batch's terminal display: a live status line (done, failed, running, ETA),
one line per finished agency-year, and the final table."""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text


def durasi(detik: float | None) -> str:
    """``1 min 05 s`` / ``42 s``; ``?`` when unknown."""
    if detik is None:
        return "?"
    detik = max(0, round(detik))
    if detik < 60:
        return f"{detik} s"
    menit, s = divmod(detik, 60)
    if menit < 60:
        return f"{menit} min {s:02d} s"
    jam, m = divmod(menit, 60)
    return f"{jam} h {m:02d} min"


def eta(selesai: int, total: int, berlalu: float) -> float | None:
    """Seconds left at the pace so far (None before the first agency-year finishes)."""
    if selesai <= 0:
        return None
    return berlalu / selesai * (total - selesai)


def _mb(nbytes: int) -> str:
    return f"{nbytes / 2**20:.0f} MB" if nbytes else "-"


class Tampilan:
    """Live progress of a batch, refreshed from the Dask scheduler.

    ``running`` counts the agency-years with a task on a worker now
    (``Client.processing``); the rest are waiting for a worker.
    """

    def __init__(self, client, tugas: list, enabled: bool = True):
        self.client = client
        self.total = len(tugas)
        self.done = 0
        self.failed = 0
        self.start = time.perf_counter()
        self.enabled = enabled
        self.console = Console(file=sys.stdout, highlight=False)
        self.live: Live | None = None

    def _running(self) -> int:
        try:
            processing = self.client.processing()
        except Exception:  # the display never stops a batch
            return 0
        keys = {str(k) for ks in processing.values() for k in ks}
        # data-<agency>-<year>-<run> and report-... of one agency-year count once
        return len({k.split("-", 1)[1] for k in keys})

    def status(self) -> Text:
        berlalu = time.perf_counter() - self.start
        finished = self.done + self.failed
        return Text(
            f"batch: {self.done} built, {self.failed} failed, {self._running()} running, "
            f"{self.total - finished} to go of {self.total} · elapsed {durasi(berlalu)} · "
            f"ETA {durasi(eta(finished, self.total, berlalu))}"
        )

    def __enter__(self) -> Tampilan:
        if self.enabled and self.console.is_terminal:
            self.live = Live(
                get_renderable=self.status,
                console=self.console,
                refresh_per_second=2,
                transient=True,
            )
            self.live.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self.live is not None:
            self.live.__exit__(*exc)

    def selesai(self, t, hasil) -> None:
        """One agency-year finished (built or failed): print its line."""
        if hasil.ok:
            self.done += 1
        else:
            self.failed += 1
        if not self.enabled:
            return
        finished = self.done + self.failed
        berlalu = time.perf_counter() - self.start
        if hasil.ok:
            what = "built "
            if hasil.dieksekusi is not None:
                what += f"({hasil.dieksekusi} notebooks run, {hasil.dari_cache} cached)"
        else:
            first = hasil.pesan.splitlines()[0] if hasil.pesan else ""
            what = f"FAILED at {hasil.langkah}: {first}"
        line = (
            f"[{finished:>3}/{self.total}] {t.label} {t.tahun}: {what} "
            f"in {durasi(hasil.detik)}  (ETA {durasi(eta(finished, self.total, berlalu))})"
        )
        if self.live is not None:
            self.live.console.print(line, markup=False)
        else:
            print(line, flush=True)


def tabel_akhir(hasil_batch) -> Table:
    """The final table: one row per agency-year."""
    table = Table(title=f"batch: {len(hasil_batch.tugas)} agency-years", show_lines=False)
    for col in ("agency", "year", "status", "time", "notebooks run/cached", "peak memory"):
        table.add_column(col)
    for t in hasil_batch.tugas:
        h = hasil_batch.hasil[t]
        nb = f"{h.dieksekusi}/{h.dari_cache}" if h.dieksekusi is not None else "-"
        status = "built" if h.ok else f"FAILED ({h.langkah})"
        table.add_row(t.label, str(t.tahun), status, durasi(h.detik), nb, _mb(h.memori_puncak))
    return table


def cetak_akhir(hasil_batch) -> None:
    """Print the final table, each failure's full message and where the roll-up is."""
    console = Console(file=sys.stdout, highlight=False)
    console.print(tabel_akhir(hasil_batch))
    for t in hasil_batch.gagal:
        h = hasil_batch.hasil[t]
        console.print(f"\n{t.label} {t.tahun} failed at the {h.langkah} step:", markup=False)
        console.print(h.pesan, markup=False)
    built = len(hasil_batch.tugas) - len(hasil_batch.gagal)
    console.print(
        f"\nbatch: {built} built, {len(hasil_batch.gagal)} failed in "
        f"{durasi(hasil_batch.detik)} on {hasil_batch.workers} workers",
        markup=False,
    )
    for year, files in sorted(hasil_batch.ringkasan.items()):
        console.print(f"roll-up {year}: {files['html']}", markup=False)
