"""Helpers that turn an agency's data into its LKjIP (Laporan Kinerja Instansi Pemerintah)."""

__version__ = "0.1.0"
