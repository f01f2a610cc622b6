"""Population engine and analyses: a whole company at once (extra ``population``).

Needs the ``population`` extra (numpy and pyarrow, and matplotlib for plots):
``pip install 'progression[population]'``. pandas and polars tables are accepted, and
produced, when they are installed.

- `Population` holds many employees' histories as columns (`Population.from_tables`,
  `Population.read`, `Population.from_histories`);
- `evaluate_population` gives every employee's verdict and criteria in flat Arrow
  tables (`PopulationVerdicts`), equal to what `progression.evaluate` gives each
  employee, with bad input reported per employee in an errors table;
- `evaluate_partition` is the one pure function over a partition holding whole
  employees, for Dask, Ray or Spark; `evaluate_dask` runs it over ``dask.dataframe``
  inputs (the ``dask`` extra: ``pip install 'progression[dask]'``);
- `level_fit` and `rater_drift` ask how the team maps to the levels and whether raters
  agree (`LevelFit`, `RaterDrift`);
- `compare`, `sweep`, `curve`, `threshold_curve` and `aspirational` ask what other
  policies would change (`Comparison`, `Sweep`, `Curve`, `ThresholdCurve`).
"""

from __future__ import annotations

try:
    import numpy  # noqa: F401
    import pyarrow  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised without the extra
    raise ImportError(
        "progression.population needs numpy and pyarrow: pip install 'progression[population]'"
    ) from exc

from .. import _public
from ._calibration import LevelFit, RaterDrift, level_fit, rater_drift
from ._dask import evaluate_dask
from ._population import Population
from ._verdicts import PopulationVerdicts, evaluate_partition, evaluate_population
from ._what_if import (
    Comparison,
    Curve,
    Sweep,
    ThresholdCurve,
    aspirational,
    compare,
    curve,
    sweep,
    threshold_curve,
)

__all__ = [
    "Comparison",
    "Curve",
    "LevelFit",
    "Population",
    "PopulationVerdicts",
    "RaterDrift",
    "Sweep",
    "ThresholdCurve",
    "aspirational",
    "compare",
    "curve",
    "evaluate_dask",
    "evaluate_partition",
    "evaluate_population",
    "level_fit",
    "rater_drift",
    "sweep",
    "threshold_curve",
]

_public.publish(__name__, globals(), __all__)
