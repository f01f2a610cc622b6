"""Analyses of a whole company at once: level fit and rater drift (extra ``population``).

Needs numpy and pyarrow: ``pip install 'progression[population]'``; plots need
matplotlib.
"""

from __future__ import annotations

try:
    import numpy  # noqa: F401 - checked here, so that the error names the extra
    import pyarrow  # noqa: F401
except ImportError as exc:  # pragma: no cover - the test environment has the extra
    raise ImportError(
        f"progression.population needs numpy and pyarrow ({exc}):"
        " pip install 'progression[population]'"
    ) from exc

from .. import _public
from ._calibration import LevelFit, RaterDrift, level_fit, rater_drift

__all__ = ["LevelFit", "RaterDrift", "level_fit", "rater_drift"]

_public.publish(__name__, globals(), __all__)
