"""Benchmarks at national scale; run with `make benchmark` (see run.py)."""
