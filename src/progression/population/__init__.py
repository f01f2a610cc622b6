"""Population engine: evaluate a whole company at once, exactly as the single evaluator would.

Needs the ``population`` extra (numpy and pyarrow): ``pip install 'progression[population]'``.
pandas and polars tables are accepted, and produced, when they are installed.

- `Population` holds many employees' histories as columns (`Population.from_tables`,
  `Population.read`, `Population.from_histories`);
- `evaluate_population` gives every employee's verdict and criteria in flat Arrow
  tables (`PopulationVerdicts`), equal to what `progression.evaluate` gives each
  employee, with bad input reported per employee in an errors table;
- `evaluate_partition` is the one pure function over a partition holding whole
  employees, for Dask, Ray or Spark.
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
from ._population import Population
from ._verdicts import PopulationVerdicts, evaluate_partition, evaluate_population

__all__ = ["Population", "PopulationVerdicts", "evaluate_partition", "evaluate_population"]

_public.publish(__name__, globals(), __all__)
