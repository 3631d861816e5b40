"""Judge-owned functions that HW0's staircase check hands to the student's
``staircase_network`` inside the kernel (a read-only copy).

Smooth, bounded functions the notebook never shows. The judge computes every error itself, from
the weights that come back, with its own copy of these functions.
"""

from __future__ import annotations

import numpy as np


def ripple(x):
    """A slow wave with a faster one on top; |f'| <= 2.5."""
    x = np.asarray(x, dtype=np.float64)
    return np.cos(x) + 0.5 * np.sin(3.0 * x)


def bump(x):
    """A Gaussian bump shifted down; |f'| <= 2 sqrt(2) exp(-1/2)."""
    x = np.asarray(x, dtype=np.float64)
    return 2.0 * np.exp(-x ** 2) - 0.5


def soft_ramp(x):
    """A steep, off-centre tanh; |f'| <= 2."""
    x = np.asarray(x, dtype=np.float64)
    return np.tanh(2.0 * (x - 0.3))


def wide_wave(x):
    """Large values on a wide interval, two slow waves; |f'| <= 40/6 + 10/2.5."""
    x = np.asarray(x, dtype=np.float64)
    return 40.0 * np.sin(x / 6.0) + 10.0 * np.cos(x / 2.5)


def tiny_ripple(x):
    """Small values on a short interval, a fast wave; |f'| <= 0.24."""
    x = np.asarray(x, dtype=np.float64)
    return 0.02 * np.sin(12.0 * x) + 0.01
