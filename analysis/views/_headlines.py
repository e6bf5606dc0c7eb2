"""Headline figures: a value and its change in words, with an arrow and a colour beside (never alone)."""

from __future__ import annotations

from dataclasses import dataclass

from analysis import formatting
from analysis.formatting import Unit


@dataclass(frozen=True)
class Headline:
    """One headline figure: label, value, and a signed delta in words (colour is never the only cue)."""

    label: str
    value: str
    delta: str | None = None
    delta_color: str = "normal"
    help: str = ""
    arrow: str = "auto"


_DIRECTION_COLOURS = {"favourable": "blue", "adverse": "red"}
"""Headline deltas: NHS blue for favourable, red for adverse, always with the word and an arrow too."""


def signed_headline(
    label: str,
    value: str,
    change: float,
    unit: Unit,
    measure: formatting.Measure,
    words: str | None = None,
    help: str = "",
) -> Headline:
    """A headline whose change is said in words, with an arrow for its sign and a colour for its meaning.

    The arrow follows the number (up = larger), the colour and the word follow what it means for the money
    (more overspend is up but adverse), so neither colour nor arrow is the only cue.
    """
    if formatting.is_missing(change):
        return Headline(label, value, None, "off", help, "off")
    direction = formatting.favourable_or_adverse(change, measure)
    text = words or formatting.format_signed_variance(change, unit, measure=measure)
    if text == "on plan" or direction == "on plan":
        return Headline(label, value, "on plan", "off", help, "off")
    arrow = "up" if float(change) > 0 else "down"
    return Headline(label, value, text, _DIRECTION_COLOURS.get(direction or "", "off"), help, arrow)


def overspend_words(overspend: float, plan: float) -> str | None:
    if formatting.is_missing(overspend) or formatting.is_missing(plan) or not plan:
        return None
    direction = formatting.favourable_or_adverse(overspend, "overspend")
    return f"{formatting.format_percent(100 * abs(overspend) / plan, 2)} of plan, {direction}"
