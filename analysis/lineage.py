"""System lineage: map old STP footprints onto the systems they merged into or were recoded as.

The systems lookup's ``successor_code`` says which code a system became (E54000045, E54000046 and E54000047
merged into E54000049 in August 2018, which was itself recoded E54000050 in 2020). Following that chain to its
end gives every code's *current footprint*. Restating money to the current footprint moves whole rows
(each row goes to exactly one system), so totals never change: a merger adds its predecessors together and
nothing is split or counted twice.

Rules for untidy lookups, so that a bad lookup never loops or loses rows:

- a blank ``successor_code``, or one equal to the system's own code, means "no successor";
- a successor missing from the lookup ends the chain at the last code the lookup knows (so names and regions
  can still be joined);
- a cycle (A -> B -> A) is not followed: codes on a cycle keep their own code, and a code leading into a cycle
  stops at the first code of the cycle it reaches. :func:`successor_cycles` lists them for the Data page.
"""

from __future__ import annotations

import pandas as pd

MIXED = "Mixed"
"""The rating shown for a merged footprint whose predecessors were rated differently."""


def _clean_code(value: object) -> str | None:
    """A system code, trimmed and upper-cased, or None when blank or missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip().upper()
    return text or None


def successor_map(systems: pd.DataFrame) -> dict[str, str]:
    """The direct successor of each system in the lookup that has one.

    Args:
        systems: The systems lookup (``system_code``, ``successor_code``).

    Returns:
        ``{system_code: successor_code}``, self-references and blanks left out.
    """
    if systems is None or systems.empty or "successor_code" not in systems.columns:
        return {}
    result: dict[str, str] = {}
    for code, succ in zip(systems["system_code"].tolist(), systems["successor_code"].tolist(), strict=True):
        code_c, succ_c = _clean_code(code), _clean_code(succ)
        if code_c and succ_c and succ_c != code_c:
            result[code_c] = succ_c
    return result


def _walk(code: str, successors: dict[str, str], known: set[str]) -> tuple[list[str], list[str]]:
    """Follow one code's successor chain: the path walked, and the cycle met (empty if none)."""
    path = [code]
    seen = {code}
    current = code
    while current in successors:
        nxt = successors[current]
        if nxt not in known:
            break
        if nxt in seen:
            return path, path[path.index(nxt) :]
        path.append(nxt)
        seen.add(nxt)
        current = nxt
    return path, []


def current_footprint_map(systems: pd.DataFrame) -> dict[str, str]:
    """Each system code in the lookup mapped to its latest successor (itself when it has none).

    Args:
        systems: The systems lookup.

    Returns:
        ``{system_code: current_code}`` for every code in the lookup; the rules for missing successors and
        cycles are in the module docstring.
    """
    if systems is None or systems.empty:
        return {}
    successors = successor_map(systems)
    known = {c for c in (_clean_code(v) for v in systems["system_code"].tolist()) if c}
    result: dict[str, str] = {}
    for code in known:
        path, cycle = _walk(code, successors, known)
        if cycle and code in cycle:
            result[code] = code
        elif cycle:
            result[code] = cycle[0]
        else:
            result[code] = path[-1]
    return result


def successor_cycles(systems: pd.DataFrame) -> list[tuple[str, ...]]:
    """Cycles in the lookup's successor codes (each listed once, starting at its smallest code).

    Args:
        systems: The systems lookup.

    Returns:
        A sorted list of cycles, e.g. ``[("E54000001", "E54000002")]``; empty for a tidy lookup.
    """
    if systems is None or systems.empty:
        return []
    successors = successor_map(systems)
    known = {c for c in (_clean_code(v) for v in systems["system_code"].tolist()) if c}
    cycles: set[tuple[str, ...]] = set()
    for code in known:
        _, cycle = _walk(code, successors, known)
        if cycle:
            start = cycle.index(min(cycle))
            cycles.add(tuple(cycle[start:] + cycle[:start]))
    return sorted(cycles)


def map_codes(codes: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """Map a (possibly long) column of codes through a small dict, leaving unmapped codes as they are.

    Factorises first, so the dictionary lookup runs once per distinct code, not once per row.

    Args:
        codes: The column to map.
        mapping: ``{old: new}``.

    Returns:
        A Series with the same index and dtype as ``codes``.
    """
    if not mapping or codes.empty:
        return codes.copy()
    positions, uniques = pd.factorize(codes, use_na_sentinel=False)
    mapped = pd.array([mapping.get(u, u) if isinstance(u, str) else u for u in uniques], dtype=codes.dtype)
    return pd.Series(mapped.take(positions), index=codes.index, name=codes.name)


def restate_to_current_footprint(frame: pd.DataFrame, systems: pd.DataFrame) -> pd.DataFrame:
    """Restate rows onto their current footprint by following the successor chain of their system.

    Every row keeps its money and moves, whole, to exactly one system, so every total over the frame is the
    same before and after; only the ``system_code`` it is grouped under changes. The code the row came with is
    kept in ``original_system_code`` (left as it is when the frame was already restated).

    Args:
        frame: Any frame with a ``system_code`` column (control totals, ratings, summaries).
        systems: The systems lookup with ``successor_code``.

    Returns:
        A new frame with ``system_code`` mapped and ``original_system_code`` added.
    """
    original = (
        frame["original_system_code"] if "original_system_code" in frame.columns else frame["system_code"]
    )
    # Under copy-on-write, assign shares the untouched columns instead of copying a million rows.
    return frame.assign(
        system_code=map_codes(frame["system_code"], current_footprint_map(systems)),
        original_system_code=original,
    )


def _predecessors(systems: pd.DataFrame) -> dict[str, list[str]]:
    """The direct predecessors of each code (the codes whose successor it is), cycles left out."""
    successors = successor_map(systems)
    known = {c for c in (_clean_code(v) for v in systems["system_code"].tolist()) if c}
    cyclic = {c for cycle in successor_cycles(systems) for c in cycle}
    preds: dict[str, list[str]] = {}
    for code, succ in successors.items():
        if succ in known and not (code in cyclic and succ in cyclic):
            preds.setdefault(succ, []).append(code)
    return {k: sorted(v) for k, v in preds.items()}


def successor_ratings(ratings: pd.DataFrame, systems: pd.DataFrame) -> pd.DataFrame:
    """The rating that applies to each system, carrying predecessors' ratings forward to their successors.

    A system rated in its own right keeps its own latest rating (``rating_basis`` "own"). A system with no
    rating of its own (a footprint formed by a merger, or a recoded one) takes the ratings of its direct
    predecessors, themselves resolved the same way, so a chain such as E54000045 -> E54000049 -> E54000050 is
    followed: when they all agree it gets that rating ("inherited"); when they differ it is marked
    :data:`MIXED` with no category ("mixed"). Systems with nothing to go on get NA ("none").

    Args:
        ratings: Progress ratings (``system_code``, ``assessment_date``, ``overall_rating``,
            ``rating_category``); when a system has several, its latest assessment is used.
        systems: The systems lookup with ``successor_code``.

    Returns:
        One row per system code in the lookup or the ratings: ``system_code``, ``overall_rating``,
        ``rating_category`` (Int64), ``rating_basis``, ``rated_codes`` (the codes whose own ratings were used,
        "; "-separated) and ``assessment_date`` (the latest of those assessments).
    """
    columns = [
        "system_code",
        "overall_rating",
        "rating_category",
        "rating_basis",
        "rated_codes",
        "assessment_date",
    ]
    own: dict[str, tuple[str, object, pd.Timestamp]] = {}
    if ratings is not None and not ratings.empty:
        latest = ratings.sort_values("assessment_date", kind="stable").drop_duplicates(
            "system_code", keep="last"
        )
        for row in latest.itertuples(index=False):
            code = _clean_code(row.system_code)
            if code:
                category = getattr(row, "rating_category", pd.NA)
                own[code] = (row.overall_rating, category, row.assessment_date)
    codes: set[str] = set(own)
    preds: dict[str, list[str]] = {}
    if systems is not None and not systems.empty:
        codes |= {c for c in (_clean_code(v) for v in systems["system_code"].tolist()) if c}
        preds = _predecessors(systems)

    resolved: dict[str, tuple[object, object, str, tuple[str, ...], object]] = {}

    def resolve(code: str, visiting: frozenset[str]) -> tuple[object, object, str, tuple[str, ...], object]:
        if code in resolved:
            return resolved[code]
        if code in own:
            rating, category, when = own[code]
            result = (rating, category, "own", (code,), when)
        else:
            parts = [resolve(p, visiting | {code}) for p in preds.get(code, []) if p not in visiting]
            parts = [p for p in parts if p[2] != "none"]
            rated = tuple(sorted({c for p in parts for c in p[3]}))
            when = max((p[4] for p in parts), default=pd.NaT)
            distinct = {p[0] for p in parts}
            if not parts:
                result = (pd.NA, pd.NA, "none", (), pd.NaT)
            elif len(distinct) == 1 and MIXED not in distinct:
                result = (parts[0][0], parts[0][1], "inherited", rated, when)
            else:
                result = (MIXED, pd.NA, "mixed", rated, when)
        resolved[code] = result
        return result

    rows = []
    for code in sorted(codes):
        rating, category, basis, rated, when = resolve(code, frozenset())
        rows.append((code, rating, category, basis, "; ".join(rated), when))
    out = pd.DataFrame(rows, columns=columns)
    out["system_code"] = out["system_code"].astype("str")
    out["overall_rating"] = out["overall_rating"].astype("str")
    out["rating_category"] = pd.to_numeric(out["rating_category"], errors="coerce").astype("Int64")
    out["rating_basis"] = out["rating_basis"].astype("str")
    out["rated_codes"] = out["rated_codes"].astype("str")
    out["assessment_date"] = pd.to_datetime(out["assessment_date"])
    return out
