"""Words of the indicator engine shared by params, capaian and the rules.

The lowest module of ``lkjip_helpers.indikator``: the others import these
constants from here, so that the params schema (which checks them) and the
capaian formulas (which apply them) do not import each other.
"""

from __future__ import annotations

#: Polarity of an IKU: positif = larger is better, negatif = smaller is better.
POLARITAS = ("positif", "negatif")
#: Capaian formulas for a negative-polarity IKU (see :mod:`lkjip_helpers.indikator.capaian`).
RUMUS_NEGATIF = ("dua_kali_target", "target_per_realisasi", "realisasi_per_target")
#: How an IKU's realisasi is obtained: entered (``input``) or computed by a rule (``hitung``).
CARA_REALISASI = ("input", "hitung")
#: Band set for capaian that grows with performance (and oriented negative formulas).
ARAH_POSITIF = "positif"
#: Mirrored band set for a negative indicator measured as realisasi / target.
ARAH_NEGATIF = "negatif"
