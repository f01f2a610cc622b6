"""Hypothesis' entry point: progression's strategies for ``st.from_type``.

Hypothesis runs `setup_hook` from inside ``import hypothesis``, and that import may
itself run from inside ``import progression.strategies``, a module that imports
Hypothesis and so has no strategies yet at that moment. So this module imports neither
of them when it is imported, and registers for each type a function that imports
``progression.strategies`` only when a strategy is first asked for, once every import
has finished.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._model import (
    Behaviour,
    Competency,
    Expectation,
    Framework,
    JobFamily,
    Level,
    Link,
    RatingScale,
    Track,
)
from ._policy import (
    Approval,
    AverageScore,
    Calibration,
    ManagerEndorsement,
    MeetsExpectations,
    PromotionPolicy,
    ScopeEvidence,
    ScoreFloor,
    Sustained,
    TimeInLevel,
)

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["REGISTERED", "setup_hook"]

#: The types ``st.from_type`` builds from progression's strategies.
REGISTERED: tuple[type, ...] = (
    RatingScale,
    Level,
    Link,
    Behaviour,
    Expectation,
    Track,
    Competency,
    JobFamily,
    Framework,
    AverageScore,
    ScoreFloor,
    MeetsExpectations,
    Sustained,
    TimeInLevel,
    ScopeEvidence,
    ManagerEndorsement,
    Calibration,
    Approval,
    PromotionPolicy,
)


def setup_hook() -> None:
    """Register a strategy for every type in `REGISTERED`; Hypothesis calls this."""
    # By the time Hypothesis runs its entry points, hypothesis.strategies is complete.
    from hypothesis import strategies as st  # noqa: PLC0415  (see the module docstring)

    for cls in REGISTERED:
        st.register_type_strategy(cls, _strategy_for)


def _strategy_for(cls: type[Any]) -> SearchStrategy[Any]:
    from . import strategies  # noqa: PLC0415  (see the module docstring)

    return strategies._type_strategy(cls)
