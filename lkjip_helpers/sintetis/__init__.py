"""Synthetic agencies for scale tests and benchmarks (``python -m lkjip_helpers synth``)."""
