"""The site's colours: every two fills of a palette told apart with each common colour-vision
deficiency, and the text on every fill readable (WCAG contrast)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert

from munro_data.pages import _palette

PALETTES = {"status": _palette.STATUS, "outcome": _palette.OUTCOME, "stance": _palette.STANCE}
# colorspacious's Machado et al. (2009) simulation; at severity 100 the "-anomaly" types are
# protanopia, deuteranopia and tritanopia.
DEFICIENCIES = ["protanomaly", "deuteranomaly", "tritanomaly"]


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255


def seen(colour: str, deficiency: str | None) -> np.ndarray:
    """The colour in CAM02-UCS, as a reader with ``deficiency`` (or none) sees it."""
    rgb = _rgb(colour)
    if deficiency is not None:
        cvd = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
        rgb = np.clip(cspace_convert(rgb, cvd, "sRGB1"), 0, 1)
    return cspace_convert(rgb, "sRGB1", "CAM02-UCS")


def closest_pair(palette: dict[str, str], deficiency: str | None) -> tuple[float, str, str]:
    return min(
        (float(np.linalg.norm(seen(a, deficiency) - seen(b, deficiency))), x, y)
        for (x, a), (y, b) in itertools.combinations(palette.items(), 2)
    )


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
@pytest.mark.parametrize("name", PALETTES)
def test_every_two_fills_stay_apart(name, deficiency) -> None:
    distance, a, b = closest_pair(PALETTES[name], deficiency)
    assert distance >= _palette.LEAST_DIFFERENCE, (
        f"{name}: {a} and {b} are {distance:.1f} apart with {deficiency or 'no deficiency'}"
    )


def test_the_check_fails_for_two_fills_only_a_deficiency_merges() -> None:
    # Red and green of the same lightness: far apart to most readers, close with deuteranopia.
    pair = {"red": "#d55e00", "green": "#5e8c00"}
    assert closest_pair(pair, None)[0] >= _palette.LEAST_DIFFERENCE
    assert closest_pair(pair, "deuteranomaly")[0] < _palette.LEAST_DIFFERENCE


def _contrast(a: str, b: str) -> float:
    light, dark = sorted([_palette._luminance(a), _palette._luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("name", PALETTES)
def test_text_on_every_fill_meets_wcag_aa(name) -> None:
    for code, fill in PALETTES[name].items():
        ratio = _contrast(fill, _palette.text_on(fill))
        assert ratio >= 4.5, f"{name} {code}: text contrast {ratio:.1f}"
