"""The colours of the site, defined once, keyed by the codes of the data's scales.

Fills come from ColorBrewer's diverging blue-orange and brown families; every coloured cell also
carries its label as text. Any two fills of one palette stay apart under the common colour-vision
deficiencies: ``tests/test_palette.py`` simulates protanopia, deuteranopia and tritanopia (the
Machado, Oliveira and Fernandes 2009 model, full severity, through ``colorspacious``) and fails
when two fills come closer than :data:`LEAST_DIFFERENCE` in CAM02-UCS. The text colour on each
fill is computed for contrast, so a new fill cannot end up with unreadable text.

>>> text_on("#08519c"), text_on("#e6e6e6")
('#ffffff', '#000000')
>>> fill(STATUS, "a_status_nobody_coded")
'#f0f0f0'
"""

from __future__ import annotations

STANCE = {
    "strong_support": "#08519c",
    "support": "#4a90c8",
    "qualified_support": "#a6cbe3",
    "undecided": "#e6e6e6",
    "concern": "#f4a259",
    "oppose": "#b35806",
}
STATUS = {
    "planned": "#b3b3b3",
    "in_progress": "#f4c542",
    "partly_delivered": "#7fbfde",
    "delivered": "#1f78b4",
    "not_adopted": "#543005",
    "not_decided": "#dadada",
    "not_reported": "#ffffff",
}
OUTCOME = {
    "on_time": "#1f78b4",
    "late": "#f4a259",
    "delivered_undated": "#7fbfde",
    "open_overdue": "#b35806",
    "not_reported_since": "#fde0a0",
    "open": "#b3b3b3",
    "not_adopted": "#543005",
    "no_report": "#dadada",
    "undated": "#ffffff",
}
# The least colour difference (CAM02-UCS, Delta E') between two fills of one palette, as seen
# with and without each simulated deficiency; about the step between two neighbouring greys.
LEAST_DIFFERENCE = 10.0
# A code that an analyst's data brings and this file does not know yet: shown, in grey.
UNKNOWN = "#f0f0f0"
BAR = "#4a90c8"
BAR_LINE = "#555555"


def fill(palette: dict[str, str], code: object) -> str:
    """The fill for ``code``, or a neutral grey for a code the palette does not know."""
    return palette.get(str(code), UNKNOWN)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_on(colour: str) -> str:
    """Black or white, whichever contrasts more with ``colour`` (WCAG relative luminance)."""
    lum = _luminance(colour)
    return "#ffffff" if (1.05 / (lum + 0.05)) > ((lum + 0.05) / 0.05) else "#000000"
