"""Run the whole ``make test`` in a copy of the repository that holds another agency.

Issue 14 asks that the product's tests travel: ``make test`` (ruff, the format
check, lint-imports, pytest) passes in a repository whose ``params/`` and
``data/raw/`` belong to another agency, given that agency's acceptance file. This
script builds such a repository and runs it::

    .venv/bin/python tools/travel_check.py            # or: make test-travel
    .venv/bin/python tools/travel_check.py --keep --out /tmp/travel
    .venv/bin/python tools/travel_check.py --no-run --out /tmp/travel   # the copy only
    .venv/bin/python tools/travel_check.py --pytest tests/test_capaian.py  # one module

What the copy is:

* every file git tracks (or, outside a git checkout, the code parts and
  ``tests/``), except what belongs to the example agency: ``params/``,
  ``data/raw/`` and the example's report snapshots ``tests/acceptance/<year>/``;
* the small synthetic agency of :mod:`tests.agensi_kecil` (written from
  ``new-agency``'s scaffold, five IKUs, report year 2024) as its ``params/`` and
  ``data/raw/``;
* that agency's acceptance file ``data/raw/2024/angka_harapan.yaml``, written by
  :func:`tulis_angka_harapan` from the agency's own invented figures by plain
  arithmetic here (not from the package's output);
* ``.venv`` a link to the virtual environment running this script.

``make test`` runs there as ``make -o .venv/.installed test``: the environment is
the one linked, never reinstalled from the copy. ``--pytest`` runs only pytest on
the modules given (to fix a module at a time). The exit status is that of the
command run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from tests.agensi_kecil import NAMA, IkuKecil, tulis_agensi_kecil  # noqa: E402

TAHUN = 2024
JUMLAH_IKU = 5
#: What belongs to the example agency, not to the product.
AGENCY_PARTS = ("params/", "data/raw/", "data/processed/", "outputs/")
FALLBACK_PARTS = ["lkjip_helpers", "notebooks", "book", "tests", "docs"]
FALLBACK_FILES = ["pyproject.toml", "Makefile", "README.md", ".gitignore"]

BULAN = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
).split()


def _example_part(path: str) -> bool:
    """True for a file of the example agency (its data, params and report snapshots)."""
    if path.startswith(AGENCY_PARTS):
        return True
    parts = path.split("/")
    return len(parts) > 2 and parts[:2] == ["tests", "acceptance"] and parts[2].isdigit()


def _tracked(root: Path) -> list[str] | None:
    proc = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=False)
    if proc.returncode != 0:
        return None
    return [p for p in proc.stdout.decode().split("\0") if p]


def copy_product(target: Path, source: Path = ROOT) -> None:
    """Copy the product (code, tests, docs, build files) without the example agency."""
    files = _tracked(source)
    if files is None:
        files = [
            str(p.relative_to(source))
            for part in FALLBACK_PARTS
            for p in (source / part).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        ] + [f for f in FALLBACK_FILES if (source / f).exists()]
    for rel in files:
        if _example_part(rel) or not (source / rel).is_file():
            continue
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / rel, dest)


def _persen(value: float) -> str:
    """``110.333`` -> ``"110,33%"``: two decimals, half up, decimal comma (as printed)."""
    text = str(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    whole, frac = text.split(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return f"{groups},{frac}%"


def _kategori(value: float, skala: list[dict]) -> str:
    """The band of a (capped, rounded) capaian: the first whose lower bound it reaches."""
    rounded = float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    for band in skala:
        if band["dari"] is None or rounded >= band["dari"]:
            return band["kategori"]
    raise ValueError(f"no band for {value}")


def tulis_angka_harapan(agency: Path, year: int, iku: list[IkuKecil]) -> Path:
    """Write the agency's acceptance file from its invented figures, by hand.

    Capaian: realisasi/target x 100, or (2T-R)/T x 100 for a negative IKU (the
    agency's ``rumus_polaritas_negatif: dua_kali_target``), computed by
    :class:`~tests.agensi_kecil.IkuKecil`; the category from the agency's scale
    (``params/scales.yaml`` of the package, the scaffold's ``ordinal_seed``) applied
    to the capaian capped at the agency's ``batas_capaian``. Budget absorption,
    staff figures and the cover come from the figures :mod:`tests.agensi_kecil`
    writes, recomputed here.
    """
    params = yaml.safe_load((agency / "params" / "agency.yaml").read_text(encoding="utf-8"))
    ukur = params["pengukuran"]
    scales_file = agency / "params" / "scales.yaml"
    if not scales_file.exists():
        scales_file = ROOT / "lkjip_helpers" / "bawaan" / "scales.yaml"
    skala = yaml.safe_load(scales_file.read_text(encoding="utf-8"))["skala"][ukur["skala"]]
    batas = ukur.get("batas_capaian")
    capped = {i.kode: min(i.capaian, batas) if batas else i.capaian for i in iku}
    # the kegiatan of tests/agensi_kecil.py: (anggaran, realisasi), all serving S1
    kegiatan = [(250_000_000, 225_000_000), (200_000_000, 180_000_000)]
    serapan_s1 = sum(r for _, r in kegiatan) / sum(a for a, _ in kegiatan) * 100
    bl_pagu, bl_realisasi = 450_000_000, 405_000_000  # BL after the revision, realised
    year_params = yaml.safe_load((agency / "params" / f"{year}.yaml").read_text(encoding="utf-8"))
    tanggal = str(year_params["laporan"]["tanggal"])
    y, m, d = (int(x) for x in tanggal.split("-"))
    harapan = {
        "tahun": year,
        "capaian_iku": {i.kode: _persen(i.capaian) for i in iku},
        "kategori_iku": {i.kode: _kategori(capped[i.kode], skala["positif"]) for i in iku},
        "serapan_sasaran": {"S1": round(serapan_s1, 2)},
        "komposisi_pegawai": {
            "pns_pendidikan": {
                "Jumlah": {str(year): "15"},
                "S1": {str(year): "10", f"% {year}": _persen(10 / 15 * 100)},
            }
        },
        "ikhtisar_anggaran": {
            "Belanja Langsung (BL)": {"Serapan": _persen(bl_realisasi / bl_pagu * 100)},
        },
        "angka_laporan": [_persen(i.capaian).rstrip("%") for i in iku],
        "sampul": {
            "instansi": NAMA.upper(),
            "tempat_tanggal": f"{year_params['laporan']['tempat']}, {d} {BULAN[m - 1]} {y}",
        },
    }
    path = agency / "data" / "raw" / str(year) / "angka_harapan.yaml"
    head = (
        "# Expected figures of the synthetic agency of tests/agensi_kecil.py, written by\n"
        "# tools/travel_check.py from the agency's invented figures (plain arithmetic,\n"
        "# not the package's output). Read by tests/test_acceptance_angka.py.\n"
    )
    path.write_text(
        head + yaml.safe_dump(harapan, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return path


def make_copy(target: Path, year: int = TAHUN, jumlah_iku: int = JUMLAH_IKU) -> Path:
    """Build the other agency's repository in ``target`` (which must not exist)."""
    target = Path(target)
    if target.exists():
        raise SystemExit(f"{target} exists; give a new folder (or remove it)")
    copy_product(target)
    with tempfile.TemporaryDirectory(prefix="agensi-") as tmp:
        agency = Path(tmp) / "agency"
        iku = tulis_agensi_kecil(agency, year, jumlah_iku=jumlah_iku)
        tulis_angka_harapan(agency, year, iku)
        shutil.copytree(agency / "params", target / "params")
        shutil.copytree(agency / "data" / "raw", target / "data" / "raw")
    (target / "data" / "processed").mkdir(parents=True, exist_ok=True)
    (target / "outputs").mkdir(exist_ok=True)
    (target / ".venv").symlink_to(Path(sys.prefix))
    return target


def run(target: Path, pytest_args: list[str] | None, nice: bool) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LKJIP_")}
    prefix = ["nice", "-n", "19"] if nice and shutil.which("nice") else []
    if pytest_args is not None:
        cmd = [
            *prefix,
            str(target / ".venv" / "bin" / "python"),
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            *pytest_args,
        ]
    else:
        cmd = [*prefix, "make", "-o", ".venv/.installed", "test"]
    print("$", " ".join(cmd), f"(in {target})", flush=True)
    return subprocess.run(cmd, cwd=target, env=env, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="folder of the copy (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the copy afterwards")
    ap.add_argument("--no-run", action="store_true", help="build the copy, run nothing")
    ap.add_argument("--nice", action="store_true", help="run the tests under nice -n 19")
    ap.add_argument(
        "--pytest",
        nargs=argparse.REMAINDER,
        help="run only pytest with these arguments instead of the whole make test",
    )
    args = ap.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="lkjip-travel-")) / "repo"
    make_copy(out)
    print(f"another agency's repository: {out}", flush=True)
    if args.no_run:
        return 0
    try:
        return run(out, args.pytest, args.nice)
    finally:
        if not args.keep and args.out is None:
            shutil.rmtree(out.parent, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
