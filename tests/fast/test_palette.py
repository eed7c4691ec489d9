"""The saliency palette reads for everyone: each colour at least 3:1 against the white paper (WCAG 1.4.11),
the two clearly apart in lightness, and both still distinct from each other, from the paper and from the
grey ink under simulated deuteranopia, protanopia and tritanopia (Machado, Oliveira and Fernandes 2009,
severity 1), measured as CIELAB colour differences."""

import numpy as np
import pytest

from dashboard.components.images import AGAINST_CLASS, FOR_CLASS, saliency_rgb

# Machado et al. 2009, full severity, applied to linear RGB.
SIMULATIONS = {
    "normal vision": np.eye(3),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
PAPER = np.array([255.0, 255.0, 255.0])
INK = saliency_rgb(np.ones((1, 1), np.float32), np.zeros((1, 1), np.float32))[0, 0].astype(float)  # grey ink
MIN_DIFFERENCE = 20          # CIELAB delta E: far past "just noticeable" (~2.3), at a glance on a small map


def linear(rgb):
    c = np.asarray(rgb, float) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def luminance(rgb):
    return float(linear(rgb) @ [0.2126, 0.7152, 0.0722])


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def lab(linear_rgb):
    xyz = np.clip(linear_rgb, 0, 1) @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                                                [0.0193, 0.1192, 0.9505]]).T
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(rgb, simulation):
    return lab(SIMULATIONS[simulation] @ linear(rgb))


@pytest.mark.parametrize("colour", [FOR_CLASS, AGAINST_CLASS])
def test_each_colour_stands_3_to_1_against_the_paper(colour):
    assert contrast(colour, PAPER) >= 3


def test_the_two_colours_differ_clearly_in_lightness():
    assert contrast(FOR_CLASS, AGAINST_CLASS) >= 3


@pytest.mark.parametrize("simulation", sorted(SIMULATIONS))
def test_every_colour_stays_distinct_for_every_eye(simulation):
    colours = {"toward": FOR_CLASS, "away": AGAINST_CLASS, "paper": PAPER, "ink": INK}
    pairs = [("toward", "away"), ("toward", "paper"), ("toward", "ink"), ("away", "paper"), ("away", "ink")]
    for a, b in pairs:
        difference = float(np.linalg.norm(seen(colours[a], simulation) - seen(colours[b], simulation)))
        assert difference >= MIN_DIFFERENCE, (simulation, a, b, round(difference, 1))
