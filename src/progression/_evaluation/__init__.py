"""The evaluation engine: a framework and a rating history in, a verdict with reasons out.

Modules, from the bottom up: `._wording` (shared phrasing), `._results` (the result
values), `._kinds` (one class per criterion kind), `._compile` (a policy compiled to
integer steps, shared with columnar executors), `._bind` (a history checked and
indexed against a framework) and `._engine` (`evaluate` and `timeline`).
"""

from ._bind import Binding, bind
from ._compile import CompiledPolicy, compile_move, compile_policy, counted_per_criterion
from ._engine import evaluate, evaluate_bound, timeline
from ._kinds import CODES, KINDS
from ._results import (
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
)

__all__ = [
    "CODES",
    "KINDS",
    "Binding",
    "CompiledPolicy",
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
    "bind",
    "compile_move",
    "compile_policy",
    "counted_per_criterion",
    "evaluate",
    "evaluate_bound",
    "timeline",
]
