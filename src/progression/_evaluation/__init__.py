"""The evaluation engine: a framework and a rating history in, a verdict with reasons out."""

from ._engine import (
    CriterionResult,
    CycleCheck,
    Gap,
    Increase,
    Observed,
    Outcome,
    Plan,
    Status,
    Timeline,
    Verdict,
    evaluate,
    timeline,
)

__all__ = [
    "CriterionResult",
    "CycleCheck",
    "Gap",
    "Increase",
    "Observed",
    "Outcome",
    "Plan",
    "Status",
    "Timeline",
    "Verdict",
    "evaluate",
    "timeline",
]
