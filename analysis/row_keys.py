"""Rows in key order and cells as written: two small jobs that validation and the dataset share."""

from __future__ import annotations

import numpy as np
import pandas as pd


def key_order(ranks: list[np.ndarray]) -> np.ndarray | None:
    """The stable order that sorts rows by `ranks` (most significant first); None when already sorted."""
    combined = sort_key(ranks)
    if combined is not None:
        if len(combined) < 2 or bool((combined[1:] >= combined[:-1]).all()):
            return None
        return np.argsort(combined, kind="stable")
    order = np.lexsort(ranks[::-1])
    return None if bool((order == np.arange(len(order))).all()) else order


def sort_key(ranks: list[np.ndarray]) -> np.ndarray | None:
    """One int64 per row that orders rows as `ranks` do (lexicographically); None if it would overflow."""
    combined = np.zeros(len(ranks[0]) if ranks else 0, dtype=np.int64)
    span = 1
    for rank in ranks:
        size = int(rank.max(initial=0)) + 1
        span *= size
        if span >= 2**62:
            return None
        combined = combined * size + rank
    return combined


def raw_values(raw_frame: pd.DataFrame, lines: np.ndarray, columns: np.ndarray) -> list[str]:
    """The cells at (line, column) as the file had them; "" where blank or not a column of the frame."""
    values = [""] * len(lines)
    positions = raw_frame.index.get_indexer(lines)
    for column in pd.unique(columns):
        if column not in raw_frame.columns:
            continue
        at = np.flatnonzero(columns == column)
        cells = raw_frame[column].iloc[positions[at]].tolist()
        for i, cell in zip(at.tolist(), cells, strict=True):
            values[i] = "" if pd.isna(cell) else str(cell)
    return values
