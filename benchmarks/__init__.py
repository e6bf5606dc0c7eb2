"""Benchmarks at national scale; run with `make benchmark` (see run.py)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The project folder: where the app is started and the results files are written."""
