"""Policy A against B, sweeps over policies, pass-rate curves, and aspirational bars.

Every analysis runs the population engine (`evaluate_tables`); nothing here decides a
criterion of its own.

**Pass rate.** Among the employees at a level with a verdict (no errors), the share
whose criteria are met, approvals aside (``met_except_approval``): the people who could
be promoted on their record. ``ready`` counts those whose verdict is ready, approvals
included.

**Critical values.** Four parameters are monotone: raising the ``threshold`` of every
`AverageScore`, the ``floor`` of every `ScoreFloor`, the cycles of `Sustained`
(``sustained``) or of `TimeInLevel` (``time_in_level``) never lets anybody pass who did
not pass before. Passing at harder values needs passing at easier ones, and what the
harder ones add is decided by a few values per employee, read from one run of the
engine at the easiest value of each (`_CriticalRun`):

- the score criteria are checked in the last ``sustained`` cycles (the window), and
  `Sustained` is met when that many cycles in a row qualify (every score criterion
  passed), so the score criteria and the run are met together exactly when every cycle
  of the window qualifies. A cycle qualifies at a higher threshold and floor exactly
  when it qualified in the run (reviewed, every counted competency rated, every other
  score criterion met) and its lowest average (per strictness) and lowest score reach
  them. So the run keeps, per cycle of the longest window asked, most recent first:
  whether it qualified, and the lowest average and lowest score over the latest cycles
  up to it: the critical threshold and floor for each window length;
- `TimeInLevel` is met when the cycles spent in the level reach its cycles.

An employee passes at a point exactly when they pass in the run and these values
reach the point's; ready likewise, as approvals do not depend on these parameters.
Points that change other arguments (strictness, evidence, dropped or added criteria,
the selection of moves) get one run per distinct setting, the monotone parameters read
from critical values within it; moves outside a selection keep what the run asked.
Employees the single evaluator decides give the same values from their verdicts (once
more at the longest window when the run's is shorter).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import pyarrow as pa

from .._evaluation._engine import Move, evaluate
from .._evaluation._kinds import KINDS, AverageScoreKind, ScoreFloorKind
from .._evaluation._results import Outcome, Verdict
from .._lint._rules import Finding, Severity
from .._model import Framework
from .._numbers import Number, show_number, to_fraction
from .._policy import (
    MAX_CYCLES,
    AverageScore,
    MeetsExpectations,
    ScoreFloor,
    Sustained,
    TimeInLevel,
)
from .._validation import one_of, show
from .._what_if import _select, governed_moves, with_policy
from ..exceptions import InvalidFramework, InvalidInput, Problem
from ._calibration import _pyplot, _table_html
from ._columns import population_of
from ._evaluate import Checked, _Run, evaluate_tables

__all__ = [
    "Comparison",
    "Curve",
    "Sweep",
    "ThresholdCurve",
    "aspirational",
    "compare",
    "curve",
    "sweep",
    "threshold_curve",
]

_APPROVALS = frozenset(k.criterion_type.kind for k in KINDS.values() if k.approval)
#: Above every weighted total: an employee with no known window keeps it.
_NONE = np.iinfo(np.int64).max


def _codes(column: Any) -> tuple[np.ndarray, list[Any]]:
    combined = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not pa.types.is_dictionary(combined.type):
        combined = combined.dictionary_encode()
    indices = combined.indices.cast(pa.int64()).fill_null(-1).to_numpy(zero_copy_only=False)
    return indices, combined.dictionary.to_pylist()


def _texts(column: Any) -> np.ndarray:
    """A text column as an object array (None for null)."""
    codes, names = _codes(column)
    found: np.ndarray = np.array([*names, None], dtype=object)[codes]
    return found


def _outcomes(verdicts: pa.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per employee: has a verdict, criteria met (approvals aside), ready."""
    status = _texts(verdicts["status"])
    valid = status != None  # noqa: E711 - elementwise on an object array
    met = np.asarray(
        verdicts["met_except_approval"].fill_null(False).to_numpy(zero_copy_only=False), bool
    )
    return valid, met & valid, status == "ready"


def _version(framework: Framework) -> str:
    return f"{framework.name} {framework.version}"


_RATE_FIELDS = [
    ("family", pa.string()),
    ("level", pa.string()),
    ("target_family", pa.string()),
    ("target", pa.string()),
    ("employees", pa.int64()),
    ("passing", pa.int64()),
    ("pass_rate", pa.float64()),
    ("ready", pa.int64()),
    ("ready_rate", pa.float64()),
]


def _groups(verdicts: pa.Table, by: Sequence[str]) -> tuple[np.ndarray, list[tuple[Any, ...]]]:
    """Each employee's group of the columns ``by`` (-1 without a verdict), and the groups."""
    valid, _, _ = _outcomes(verdicts)
    columns = [_codes(verdicts[name]) for name in by]
    key = np.zeros(verdicts.num_rows, np.int64)
    for codes, names in columns:
        key = key * (len(names) + 1) + codes + 1
    chosen = np.flatnonzero(valid)
    # Groups in order of first appearance, as people read down the verdicts.
    _, first, inverse = np.unique(key[chosen], return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    group = np.full(verdicts.num_rows, -1, np.int64)
    group[chosen] = rank[inverse]
    heads = chosen[first[order]]
    names = [
        tuple(None if codes[h] < 0 else labels[codes[h]] for codes, labels in columns)
        for h in heads
    ]
    return group, names


def _rates(
    group: np.ndarray, names: list[tuple[Any, ...]], met: np.ndarray, ready: np.ndarray
) -> dict[str, Any]:
    """Per group: employees, passing and ready, counted once over every employee."""
    chosen = group >= 0
    size = len(names)
    employees = np.bincount(group[chosen], minlength=size)
    passing = np.bincount(group[chosen & met], minlength=size)
    readies = np.bincount(group[chosen & ready], minlength=size)
    return _rated(names, employees, passing, readies)


def _rated(
    names: list[tuple[Any, ...]], employees: np.ndarray, passing: np.ndarray, readies: np.ndarray
) -> dict[str, Any]:
    """`_rates`' columns from the counts per group."""
    share = np.maximum(employees, 1)
    return {
        "family": [n[0] for n in names],
        "level": [n[1] for n in names],
        "target_family": [n[2] for n in names],
        "target": [n[3] for n in names],
        "employees": employees,
        "passing": passing,
        "pass_rate": passing / share,
        "ready": readies,
        "ready_rate": readies / share,
    }


# --- compare ---------------------------------------------------------------------------

_FLIP_SCHEMA = pa.schema(
    [
        ("employee_id", pa.string()),
        ("family", pa.string()),
        ("level", pa.string()),
        ("target", pa.string()),
        ("flip", pa.string()),
        ("criterion", pa.string()),
        ("position", pa.int64()),
        ("code_a", pa.string()),
        ("code_b", pa.string()),
    ]
)
_COUNT_SCHEMA = pa.schema(
    [
        ("family", pa.string()),
        ("level", pa.string()),
        ("employees", pa.int64()),
        ("ready_a", pa.int64()),
        ("ready_b", pa.int64()),
        ("became_ready", pa.int64()),
        ("no_longer_ready", pa.int64()),
    ]
)
_TAKES_SCHEMA = pa.schema(
    [
        ("employee_id", pa.string()),
        ("family", pa.string()),
        ("level", pa.string()),
        ("unmet_a", pa.int64()),
        ("unmet_b", pa.int64()),
        ("shortfall_a", pa.float64()),
        ("shortfall_b", pa.float64()),
        ("change", pa.int64()),
        ("shortfall_change", pa.float64()),
    ]
)


@attrs.frozen(kw_only=True, eq=False)
class Comparison:
    """Two frameworks over one population: who flips, why, and what it takes now.

    ``flips``: one row per employee whose readiness differs, ``employee_id, family,
    level, target, flip`` (``became_ready`` or ``no_longer_ready``), ``criterion`` (the
    kind of the first criterion, in B's policy order and then A's, whose code changed),
    its ``position`` in the policy that has it, and its codes ``code_a`` and ``code_b``
    (null where that policy does not have it). ``levels``: per family and level,
    ``employees, ready_a, ready_b, became_ready, no_longer_ready``. ``what_it_takes``:
    the employees whose "what it takes" changes most (see `compare`), largest first.
    ``version_a`` and ``version_b`` are the frameworks' names and versions as written;
    ``name_a`` and ``name_b`` name them in the result, always distinct (see `compare`).
    """

    version_a: str
    version_b: str
    name_a: str
    name_b: str
    flips: pa.Table
    levels: pa.Table
    what_it_takes: pa.Table

    def to_pandas(self, table: str = "flips") -> Any:
        """``flips`` (the default), ``levels`` or ``what_it_takes`` as a pandas DataFrame."""
        return getattr(self, table).to_pandas()

    def _repr_html_(self) -> str:
        title = f"{self.name_a} against {self.name_b}"
        return (
            _table_html(f"{title}: per level", self.levels, rows=30)
            + _table_html("Flips", self.flips)
            + _table_html("What it takes, largest changes", self.what_it_takes)
        )


def _criteria_rows(criteria: pa.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The criteria table as arrays: employee row, kind, code, outcome (object texts)."""
    employee, _ = _codes(criteria["employee_id"])
    return (
        employee,
        _texts(criteria["kind"]),
        _texts(criteria["code"]),
        _texts(criteria["outcome"]),
    )


def _what_it_takes(criteria: pa.Table, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per employee: criteria left to meet (approvals aside), and the average's shortfall."""
    employee, kind, _, outcome = _criteria_rows(criteria)
    judged = ~np.isin(kind, list(_APPROVALS))
    unmet = np.bincount(employee[judged & (outcome != "passed")], minlength=n)
    observed = criteria["observed_value"].fill_null(np.nan).to_numpy(zero_copy_only=False)
    required = criteria["required_value"].fill_null(np.nan).to_numpy(zero_copy_only=False)
    average = (kind == "average_score") & (outcome != "passed")
    gap = np.where(average, np.maximum(required - np.nan_to_num(observed, nan=0.0), 0.0), 0.0)
    return unmet, np.bincount(employee, weights=gap, minlength=n)


def _names(
    framework_a: Framework, framework_b: Framework, names: tuple[str, str] | None
) -> tuple[str, str]:
    """What the result calls the two frameworks: distinct, so that a reader can tell."""
    if names is not None:
        if (
            not isinstance(names, tuple | list)
            or len(names) != 2
            or not all(isinstance(n, str) and n.strip() for n in names)
            or names[0] == names[1]
        ):
            expected = "two distinct, non-empty names, as (name_a, name_b)"
            raise InvalidInput(
                [
                    Problem(
                        message=f"compare names: expected {expected}, got {show(names)}",
                        expected=expected,
                        got=show(names),
                    )
                ]
            )
        return names[0], names[1]
    a, b = _version(framework_a), _version(framework_b)
    # A framework made by with_policy keeps its version: tell the two apart by side.
    return (f"{a} (A)", f"{b} (B)") if a == b else (a, b)


def compare(
    framework_a: Framework,
    framework_b: Framework,
    population: Any,
    *,
    top: int = 20,
    names: tuple[str, str] | None = None,
) -> Comparison:
    """Evaluate ``population`` under two frameworks and explain every change of readiness.

    ``population`` is a `Population` or the tables ``(ratings, levels, events)``; both
    frameworks are evaluated by the engine. The criterion responsible for a flip is the
    first one, in B's policy order, whose code differs from A's for the same criterion
    (matched by kind, the n-th of a kind to the n-th), then A's criteria B dropped.

    "What it takes" is measured in two parts: the number of criteria left to meet,
    approvals aside (failed or undecided), and the shortfall of the average score (the
    threshold minus the average reported, summed over the unmet `AverageScore`
    criteria). ``what_it_takes`` holds the ``top`` employees whose number changes most,
    then whose shortfall does.

    ``names`` names the two frameworks in the result (``name_a``, ``name_b``); by
    default their names and versions, with `` (A)`` and `` (B)`` added when these are
    the same (a framework from `progression.with_policy` keeps its version).

    Raises:
        InvalidInput: ``names`` is not two distinct, non-empty texts.
    """
    name_a, name_b = _names(framework_a, framework_b, names)
    pop = population_of(population)
    a = evaluate_tables(framework_a, pop)
    b = evaluate_tables(framework_b, pop)
    n = len(pop)
    valid_a, _, ready_a = _outcomes(a.verdicts)
    valid_b, _, ready_b = _outcomes(b.verdicts)
    both = valid_a & valid_b
    up = both & ~ready_a & ready_b
    down = both & ready_a & ~ready_b
    family = _texts(b.verdicts["family"])
    level = _texts(b.verdicts["level"])
    target = _texts(b.verdicts["target"])
    ids = np.array(pop._employees.to_pylist(), dtype=object)
    flipped = np.flatnonzero(up | down)
    rows_a = _per_employee(a.criteria, flipped)
    rows_b = _per_employee(b.criteria, flipped)
    flips = []
    for i in flipped:
        criterion, position, code_a, code_b = _responsible(
            rows_a.get(int(i), []), rows_b.get(int(i), [])
        )
        flips.append(
            {
                "employee_id": ids[i],
                "family": family[i],
                "level": level[i],
                "target": target[i],
                "flip": "became_ready" if up[i] else "no_longer_ready",
                "criterion": criterion,
                "position": position,
                "code_a": code_a,
                "code_b": code_b,
            }
        )
    group, keys = _groups(b.verdicts, ("family", "level"))
    group = np.where(both, group, -1)
    size = len(keys)

    def count(mask: np.ndarray) -> np.ndarray:
        found: np.ndarray = np.bincount(group[(group >= 0) & mask], minlength=size)
        return found

    levels = pa.table(
        {
            "family": [k[0] for k in keys],
            "level": [k[1] for k in keys],
            "employees": count(both),
            "ready_a": count(ready_a),
            "ready_b": count(ready_b),
            "became_ready": count(up),
            "no_longer_ready": count(down),
        },
        schema=_COUNT_SCHEMA,
    )
    unmet_a, short_a = _what_it_takes(a.criteria, n)
    unmet_b, short_b = _what_it_takes(b.criteria, n)
    change = unmet_b - unmet_a
    short_change = short_b - short_a
    candidates = np.flatnonzero(both & ((change != 0) | (np.abs(short_change) > 1e-12)))
    order = np.lexsort((-np.abs(short_change[candidates]), -np.abs(change[candidates])))
    chosen = candidates[order[:top]]
    takes = pa.table(
        {
            "employee_id": ids[chosen].tolist(),
            "family": family[chosen].tolist(),
            "level": level[chosen].tolist(),
            "unmet_a": unmet_a[chosen],
            "unmet_b": unmet_b[chosen],
            "shortfall_a": short_a[chosen],
            "shortfall_b": short_b[chosen],
            "change": change[chosen],
            "shortfall_change": short_change[chosen],
        },
        schema=_TAKES_SCHEMA,
    )
    return Comparison(
        version_a=_version(framework_a),
        version_b=_version(framework_b),
        name_a=name_a,
        name_b=name_b,
        flips=pa.Table.from_pylist(flips, schema=_FLIP_SCHEMA),
        levels=levels,
        what_it_takes=takes,
    )


def _per_employee(criteria: pa.Table, chosen: np.ndarray) -> dict[int, list[tuple[str, str]]]:
    """The (kind, code) of each chosen employee's criteria, in policy order."""
    employee, kind, code, _ = _criteria_rows(criteria)
    rows = np.flatnonzero(np.isin(employee, chosen))
    found: dict[int, list[tuple[str, str]]] = {}
    for r in rows:
        found.setdefault(int(employee[r]), []).append((kind[r], code[r]))
    return found


def _responsible(
    rows_a: list[tuple[str, str]], rows_b: list[tuple[str, str]]
) -> tuple[str | None, int | None, str | None, str | None]:
    def keyed(rows: list[tuple[str, str]]) -> dict[tuple[str, int], tuple[int, str]]:
        seen: dict[str, int] = {}
        out = {}
        for position, (kind, code) in enumerate(rows):
            nth = seen[kind] = seen.get(kind, -1) + 1
            out[kind, nth] = (position, code)
        return out

    in_a, in_b = keyed(rows_a), keyed(rows_b)
    for key, (position, code) in in_b.items():
        before = in_a.get(key)
        if before is None or before[1] != code:
            return key[0], position, None if before is None else before[1], code
    for key, (position, code) in in_a.items():
        if key not in in_b:
            return key[0], position, code, None
    return None, None, None, None


# --- sweep -----------------------------------------------------------------------------

#: The parameters a harder value of which never lets anybody pass who did not pass
#: before: read from critical values.
MONOTONE = ("threshold", "floor", "sustained", "time_in_level")
_SELECTORS = ("family", "track", "from_level", "to_level")
#: A move as `with_policy` selects it: family, from level, to level, target family.
_Where = tuple[str, str | None, str, str]


def _averages(
    numerator: np.ndarray, denominator: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(none, numerator, denominator)`` as `_reaches` reads them, made once per window.

    ``none`` is where ``numerator`` is ``_NONE`` (no average), there 0 in ``numerator``.
    """
    none = numerator == _NONE
    return none, np.where(none, 0, numerator), denominator


def _reaches(
    none: np.ndarray,
    numerator: np.ndarray,
    denominator: np.ndarray,
    threshold: Fraction,
    strict: bool,
) -> Any:
    """Where ``numerator / denominator`` reaches ``threshold`` (above it when strict).

    ``none`` (see `_averages`) stands above everything: no average to hold to a threshold.
    """
    # Totals and weights are small: in 64 bits unless the threshold is not.
    if max(abs(threshold.numerator), threshold.denominator) < 2**24:
        left = numerator * threshold.denominator
        right = denominator * threshold.numerator
    else:
        left = numerator.astype(object) * threshold.denominator
        right = denominator.astype(object) * threshold.numerator
    held = np.asarray(left > right if strict else left >= right, bool)
    held |= none
    return held


class _CriticalRun(_Run):
    """One run at the easiest values of a group of points, keeping each critical value.

    For the employees whose move the group changes (``scope``), by window length ``k``
    from 1 to ``width``: ``steady``, how many cycles ending at ``as_of`` qualify in this
    run (every score step passed), at most ``width``; and, over the latest ``k``
    cycles, the lowest average of the `AverageScore` steps per strictness
    (``averages``: numerators and denominators, ``k`` x employees) and the lowest score
    a `ScoreFloor` step saw (``lowest``). A window length's values are one row: a
    group of employees writes into rows, not across them. Besides, per employee: whether the policy
    has a `Sustained` criterion, its window in this run (``own``), and the cycles spent
    in the level where it has a `TimeInLevel` criterion (``spent``).
    """

    def __init__(  # noqa: PLR0917 - the run's and the group's facts
        self,
        framework: Framework,
        population: Any,
        varied: frozenset[str],
        width: int,
        selected: frozenset[_Where],
        probe: Callable[[], Framework],
    ) -> None:
        super().__init__(framework, population, None, None)
        n = self.n
        self.varied = varied
        self.width = width
        self.selected = selected
        self.probe = probe
        self.scope = np.zeros(n, bool)
        self.sustains = np.zeros(n, bool)
        self.own = np.ones(n, np.int64)
        self.timed = np.zeros(n, bool)
        self.spent = np.zeros(n, np.int64)
        self.steady = np.zeros(n, np.int64)
        self.averages: dict[bool, tuple[np.ndarray, np.ndarray]] = {}
        self.lowest = np.full((width, n), _NONE, np.int64) if "floor" in varied else None
        self.singles: list[tuple[int, Verdict]] = []
        self._read: dict[int, tuple[np.ndarray, list[Any], np.ndarray | None]] = {}

    def _average_columns(self, strict: bool) -> tuple[np.ndarray, np.ndarray]:
        found = self.averages.get(strict)
        if found is None:
            shape = (self.width, self.n)
            found = self.averages[strict] = (
                np.full(shape, _NONE, np.int64),
                np.ones(shape, np.int64),
            )
        return found

    def _policy(self, idx: np.ndarray, criteria: Iterable[Any], own: int) -> None:
        kinds = {type(c) for c in criteria}
        self.scope[idx] = True
        self.sustains[idx] = Sustained in kinds
        self.own[idx] = own
        self.timed[idx] = TimeInLevel in kinds

    def cycles_checked(self, move: Move, idx: np.ndarray, checked: Checked | None) -> None:
        pop = self.pop
        head = int(idx[0])
        current = int(self.current[head])
        where = (
            pop._families[int(pop._family[head])],
            pop._levels[current] if current >= 0 else None,
            move.target_level,
            move.target_family,
        )
        if where not in self.selected:
            return
        compiled = move.compiled
        self._policy(idx, compiled.policy.criteria, compiled.sustain)
        if compiled.time_in_level is not None:
            self.spent[idx] = self.end[idx] - self.since[idx] + 1
        if checked is None:
            self.steady[idx] = self.width
            return
        if not self.varied & {"threshold", "floor", "sustained"}:
            return  # only the time in level varies: the run's window decides the rest
        outcomes, qualifies, position = checked
        size = len(idx)
        rows = np.arange(size)
        going = np.ones(size, bool)
        steady = np.zeros(size, np.int64)
        averages: dict[bool, tuple[np.ndarray, np.ndarray]] = {}
        floor = np.full(size, _NONE, np.int64)
        # Most recent first: the lowest values over the latest k cycles, for every k.
        for back in range(self.width):
            at = position - back
            cell = np.maximum(at, 0)
            going &= (at >= 0) & qualifies[rows, cell]
            if not going.any():
                break
            steady += going
            for step, (_, key, _) in zip(compiled.scores, outcomes, strict=True):
                value = np.asarray(key[rows, cell], np.int64)
                if isinstance(step, AverageScoreKind) and "threshold" in self.varied:
                    numerator, denominator = averages.setdefault(
                        step.strict, (np.full(size, _NONE, np.int64), np.ones(size, np.int64))
                    )
                    unseen = numerator == _NONE
                    # Cross-multiplied: totals and weights are small.
                    lower = going & (
                        unseen
                        | (value * denominator < np.where(unseen, 0, numerator) * step.total_weight)
                    )
                    numerator[lower] = value[lower]
                    denominator[lower] = step.total_weight
                elif isinstance(step, ScoreFloorKind) and self.lowest is not None:
                    floor = np.where(going, np.minimum(floor, value), floor)
            for strict, (numerator, denominator) in averages.items():
                numerators, denominators = self._average_columns(strict)
                numerators[back, idx] = numerator
                denominators[back, idx] = denominator
            if self.lowest is not None:
                self.lowest[back, idx] = floor
        self.steady[idx] = steady

    def place_verdict(self, code: int, verdict: Verdict) -> None:
        super().place_verdict(code, verdict)
        self.singles.append((code, verdict))

    def finish(self) -> None:
        """The critical values of the employees the single evaluator decided."""
        for code, verdict in self.singles:
            where = (
                verdict.family,
                verdict.current_level,
                verdict.target_level,
                verdict.target_family,
            )
            if where not in self.selected:
                continue
            criteria = [r.criterion for r in verdict.criteria]
            own = next((c.cycles for c in criteria if isinstance(c, Sustained)), 1)
            self._policy(np.array([code]), criteria, own)
            for result in verdict.criteria:
                if isinstance(result.criterion, TimeInLevel) and result.observed is not None:
                    self.spent[code] = int(result.observed)
            if "sustained" in self.varied and own < self.width:
                # The window of this run is shorter than the longest asked: the same
                # history once more, with the longest window, for its earlier cycles.
                self._single_cycles(code, evaluate(self.probe(), self.pop.history(code)))
            else:
                self._single_cycles(code, verdict)

    def _single_cycles(self, code: int, verdict: Verdict) -> None:
        scored = [
            r
            for r in verdict.criteria
            if isinstance(r.criterion, AverageScore | ScoreFloor | MeetsExpectations)
        ]
        if not scored:
            self.steady[code] = self.width
            return
        low: dict[bool, Fraction] = {}
        floor: int | None = None
        for back in range(self.width):
            checks = [r.checks[-1 - back] if back < len(r.checks) else None for r in scored]
            if any(ch is None or ch.outcome is not Outcome.PASSED for ch in checks):
                break
            self.steady[code] += 1
            for result, check in zip(scored, checks, strict=True):
                assert check is not None
                criterion = result.criterion
                if isinstance(criterion, AverageScore) and "threshold" in self.varied:
                    value = Fraction(check.observed)  # type: ignore[arg-type]
                    before = low.get(criterion.strict)
                    low[criterion.strict] = value if before is None else min(before, value)
                elif isinstance(criterion, ScoreFloor) and self.lowest is not None:
                    value_int = int(check.observed)  # type: ignore[arg-type]
                    floor = value_int if floor is None else min(floor, value_int)
            for strict, value in low.items():
                numerators, denominators = self._average_columns(strict)
                numerators[back, code] = value.numerator
                denominators[back, code] = value.denominator
            if self.lowest is not None and floor is not None:
                self.lowest[back, code] = floor

    def passes(self, point: Mapping[str, Any]) -> np.ndarray:
        """Who passes at ``point`` among those who pass in this run (everyone else: True).

        Out of scope, the point asks what this run asked. In scope, the latest cycles
        of the point's window must all qualify here and reach its threshold and floor,
        and the stay must be long enough.
        """
        varied = self.varied
        held = np.ones(self.n, bool)
        if varied & {"threshold", "floor", "sustained"}:
            cycles = int(point["sustained"]) if "sustained" in varied else 0
            found = self._read.get(cycles)
            if found is None:
                window = np.where(self.sustains, cycles, self.own) if cycles else self.own
                at = (np.clip(window - 1, 0, self.width - 1), np.arange(self.n))
                averages = [
                    (strict, *_averages(n[at], d[at])) for strict, (n, d) in self.averages.items()
                ]
                found = self._read[cycles] = (
                    self.steady >= window,
                    averages,
                    None if self.lowest is None else self.lowest[at],
                )
            steady, averages, lowest = found
            held &= steady
            if "threshold" in varied:
                threshold = to_fraction(point["threshold"])
                for strict, none, numerator, denominator in averages:
                    held &= _reaches(none, numerator, denominator, threshold, strict)
            if lowest is not None:
                held &= lowest >= int(point["floor"])
        if "time_in_level" in varied:
            held &= ~self.timed | (self.spent >= int(point["time_in_level"]))
        found_all: np.ndarray = ~self.scope | held
        return found_all


def _easiest(values: Iterable[Any]) -> Any:
    return min(values, key=to_fraction)


def _critical(
    framework: Framework, population: Any, fixed: Mapping[str, Any], points: list[dict[str, Any]]
) -> _CriticalRun | None:
    """The run at the easiest values of ``points``, which share ``fixed``; None if refused.

    Every point differs from ``fixed`` only in the monotone parameters it sets, the same
    ones for all. The run sets each to its easiest value among the points: exact for
    every point (see the module docstring).
    """
    varied = frozenset(k for k in points[0] if k in MONOTONE)
    easiest = {k: _easiest(p[k] for p in points) for k in varied}
    try:
        base = with_policy(framework, **fixed, **easiest)
    except InvalidFramework:
        return None  # the easiest values together break a rule: each point on its own
    selectors = {k: fixed[k] for k in _SELECTORS if k in fixed}
    problems: list[Problem] = []
    moves = dict(governed_moves(framework))
    family, track, from_level, to_level = (selectors.get(k) for k in _SELECTORS)
    chosen = _select(framework, moves, family, track, from_level, to_level, problems)
    selected = frozenset((f, low, high, to or f) for f, low, high, to in chosen)
    own = max(
        (c.cycles for p in base.policies for c in p.criteria if isinstance(c, Sustained)),
        default=1,
    )
    width = max([own, *(int(p["sustained"]) for p in points if "sustained" in p)])
    probes: list[Framework] = []

    def probe() -> Framework:
        if not probes:
            probes.append(with_policy(base, **selectors, sustained=width))
        return probes[0]

    run = _CriticalRun(base, population, varied, width, selected, probe)
    run.run()
    run.finish()
    return run


def _points(grid: Any) -> list[dict[str, Any]]:
    if isinstance(grid, Mapping):
        names = list(grid)
        return [
            dict(zip(names, values, strict=True)) for values in itertools.product(*grid.values())
        ]
    return [dict(point) for point in grid]


def _describe(point: Mapping[str, Any]) -> str:
    return ", ".join(
        f"{k}={show_number(to_fraction(v)) if k in ('threshold', 'min_value') else v}"
        for k, v in point.items()
    )


_SWEEP_FIELDS = [("policy", pa.int64()), ("parameters", pa.string())]


class _Tally:
    """`_rates` of one table of verdicts, per level and per transition, for many points.

    The groups are found once. A point's employees are counted per transition only,
    in one pass; a level's counts are its transitions' (each transition is out of one
    level), the same numbers `_rates` counts over the employees.
    """

    def __init__(self, verdicts: pa.Table) -> None:
        group, self.names = _groups(verdicts, ("family", "level", "target_family", "target"))
        levels, names = _groups(verdicts, ("family", "level"))
        self.level_names = [(*k, None, None) for k in names]
        # Each transition's group plus one: 0 for the employees without a verdict.
        self.group = group + 1
        size = len(self.names) + 1
        self.employees = np.bincount(self.group, minlength=size)[1:]
        self.level = np.zeros(len(self.names), np.int64)
        self.level[group[group >= 0]] = levels[group >= 0]
        self.level_employees = self._levels(self.employees)

    def _levels(self, counts: np.ndarray) -> np.ndarray:
        # Whole numbers far below 2**53: exact as float weights.
        found = np.bincount(self.level, weights=counts, minlength=len(self.level_names))
        return found.astype(np.int64)

    def rates(self, met: np.ndarray, ready: np.ndarray) -> tuple[dict[str, Any], dict[str, Any]]:
        """Per level and per transition, `_rates` of the employees ``met`` and ``ready``."""
        size = len(self.names) + 1
        passing = np.bincount(self.group[met], minlength=size)[1:]
        readies = np.bincount(self.group[ready], minlength=size)[1:]
        levels = _rated(
            self.level_names, self.level_employees, self._levels(passing), self._levels(readies)
        )
        return levels, _rated(self.names, self.employees, passing, readies)


@attrs.frozen(kw_only=True, eq=False)
class Sweep:
    """Pass rates for every policy of a grid, per level and per transition.

    ``levels``: per policy (its index in the grid, and its ``parameters`` as text),
    family and level, ``employees, passing, pass_rate, ready, ready_rate``.
    ``transitions``: the same per family, level, target family and target.
    ``evaluations``: how many times the engine ran over the population. ``exact``: how
    many policies were read from critical values (points setting a monotone parameter)
    rather than from an evaluation of their own.
    """

    levels: pa.Table
    transitions: pa.Table
    evaluations: int
    exact: int

    def to_pandas(self, table: str = "levels") -> Any:
        """``levels`` (the default) or ``transitions`` as a pandas DataFrame."""
        return getattr(self, table).to_pandas()

    def _repr_html_(self) -> str:
        title = f"Sweep: {self.exact} policies from critical values, {self.evaluations} evaluations"
        return _table_html(title, self.levels, rows=30)


def sweep(framework: Framework, population: Any, grid: Any) -> Sweep:
    """Pass rates per level and per transition for every policy of ``grid``.

    ``grid`` is a list of `progression.with_policy` keyword dicts, or a mapping of
    parameter to values (every combination). Points are grouped by their other
    arguments (``strict``, ``min_value``, ``count``, ``drop``, ``add``, the selection
    of moves) and by which monotone parameters they set (``threshold``, ``floor``,
    ``sustained``, ``time_in_level``): each group costs one engine run, at the easiest
    value of each monotone parameter, and every point of it is read from the critical
    values of that run (see the module docstring: exact at every value). A point that
    sets no monotone parameter is evaluated as it is, once per distinct point.
    """
    pop = population_of(population)
    points = _points(grid)
    for point in points:
        # Refused the same way an evaluation of that point would be.
        with_policy(framework, **point)
    groups: dict[tuple[Any, ...], list[int]] = {}
    for index, point in enumerate(points):
        fixed = tuple(sorted((k, repr(v)) for k, v in point.items() if k not in MONOTONE))
        groups.setdefault((fixed, frozenset(point) & set(MONOTONE)), []).append(index)
    # Per point: the verdicts it is read from, and who passes and is ready.
    found: dict[int, tuple[pa.Table, np.ndarray, np.ndarray]] = {}
    evaluations = exact = 0
    for (_, varied), members in groups.items():
        chosen = [points[i] for i in members]
        settings = {k: v for k, v in chosen[0].items() if k not in MONOTONE}
        run = _critical(framework, pop, settings, chosen) if varied else None
        if run is not None:
            verdicts = run.tables().verdicts
            _, met, ready = _outcomes(verdicts)
            evaluations += 1
            exact += len(members)
            for i in members:
                reach = run.passes(points[i])
                found[i] = (verdicts, met & reach, ready & reach)
            continue
        # One evaluation per distinct point: a group without monotone parameters holds
        # one point, maybe repeated.
        for i in members if varied else members[:1]:
            verdicts = evaluate_tables(with_policy(framework, **points[i]), pop).verdicts
            _, met, ready = _outcomes(verdicts)
            evaluations += 1
            found[i] = (verdicts, met, ready)
        if not varied:
            for i in members[1:]:
                found[i] = found[members[0]]
    level_rows: dict[str, list[Any]] = {}
    transition_rows: dict[str, list[Any]] = {}
    # Points read from one run have the same groups each time: grouped once per run.
    tallies: dict[int, _Tally] = {}
    for index, point in enumerate(points):
        verdicts, met, ready = found[index]
        tally = tallies.get(id(verdicts))
        if tally is None:
            tally = tallies[id(verdicts)] = _Tally(verdicts)
        for rows, rates in zip((level_rows, transition_rows), tally.rates(met, ready), strict=True):
            size = len(rates["family"])
            rates["policy"] = [index] * size
            rates["parameters"] = [_describe(point)] * size
            for name, values in rates.items():
                rows.setdefault(name, []).extend(list(values))
    level_schema = pa.schema(
        _SWEEP_FIELDS + [f for f in _RATE_FIELDS if f[0] not in ("target_family", "target")]
    )
    transition_schema = pa.schema(_SWEEP_FIELDS + _RATE_FIELDS)

    def table(rows: dict[str, list[Any]], schema: pa.Schema) -> pa.Table:
        if not rows:
            return schema.empty_table()
        return pa.table({f.name: rows[f.name] for f in schema}, schema=schema)

    return Sweep(
        levels=table(level_rows, level_schema),
        transitions=table(transition_rows, transition_schema),
        evaluations=evaluations,
        exact=exact,
    )


_AXES = {
    "threshold": "threshold of the average score",
    "floor": "floor of every competency",
    "sustained": "sustained cycles",
    "time_in_level": "cycles in the level",
}


@attrs.frozen(kw_only=True, eq=False)
class Curve:
    """The pass rate against one monotone parameter of every policy, per level.

    ``parameter`` is ``threshold``, ``floor``, ``sustained`` or ``time_in_level``.
    ``table``: per value of it, family and level, ``employees, passing, pass_rate,
    ready, ready_rate``, exact at each value listed. The value comes first: for the
    threshold, as people read it (``threshold``), exactly (``threshold_numerator`` and
    ``threshold_denominator``) and as a float (``threshold_value``); for the others,
    an integer column named after the parameter.
    """

    parameter: str
    table: pa.Table

    def to_pandas(self) -> Any:
        """The curve as a pandas DataFrame."""
        return self.table.to_pandas()

    def _repr_html_(self) -> str:
        return _table_html(f"Pass rate against the {_AXES[self.parameter]}", self.table, rows=30)

    def plot(self, ax: Any = None) -> Any:
        """One line per level: the share passing at each value."""
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4))
        column = "threshold_value" if self.parameter == "threshold" else self.parameter
        lines: dict[str, tuple[list[float], list[float]]] = {}
        for row in self.table.to_pylist():
            xs, ys = lines.setdefault(f"{row['family']}/{row['level']}", ([], []))
            xs.append(row[column])
            ys.append(row["pass_rate"])
        for name, (xs, ys) in lines.items():
            if self.parameter == "threshold":
                # Between two thresholds listed, the rate is the lower one's.
                ax.step(xs, ys, where="post", label=name)
            else:
                ax.plot(xs, ys, marker="o", label=name)
        ax.set_xlabel(_AXES[self.parameter])
        ax.set_ylabel("share passing (approvals aside)")
        ax.set_ylim(0, 1)
        ax.set_title(f"Pass rate against the {_AXES[self.parameter]}")
        ax.legend(fontsize="small", ncol=2)
        return ax.figure


@attrs.frozen(kw_only=True, eq=False)
class ThresholdCurve(Curve):
    """The pass rate against the threshold of every `AverageScore`, per level.

    A `Curve` whose ``parameter`` is ``threshold``: ``table`` holds, per threshold (as
    people read it, ``threshold``; exactly, as ``threshold_numerator`` and
    ``threshold_denominator``; and as a float, ``threshold_value``), family and level,
    ``employees, passing, pass_rate, ready, ready_rate``; exact at each threshold listed.
    """

    parameter: str = "threshold"


def _defaults(framework: Framework, parameter: str, fixed: Mapping[str, Any]) -> list[Any]:
    """The values a curve runs over by default, leaving out those the framework refuses."""
    low, high = framework.scale.min, framework.scale.max
    candidates: list[Any]
    if parameter == "threshold":
        candidates = [Fraction(low) + Fraction(k, 10) for k in range(10 * (high - low) + 1)]
    elif parameter == "floor":
        candidates = list(range(low, high + 1))
    else:
        kind = Sustained if parameter == "sustained" else TimeInLevel
        asked = [c.cycles for p in framework.policies for c in p.criteria if isinstance(c, kind)]
        candidates = list(range(1, min(max([2, *asked]) * 2, MAX_CYCLES) + 1))
    values = []
    for value in candidates:
        try:
            with_policy(framework, **fixed, **{parameter: value})
        except InvalidFramework:
            continue  # a threshold below a floor of some policy, say
        values.append(value)
    return values


def curve(
    framework: Framework,
    population: Any,
    parameter: str,
    values: Iterable[Any] | None = None,
    **fixed: Any,
) -> Curve:
    """The exact pass rate per level at every value of one parameter, from one engine run.

    ``parameter`` is one of the monotone parameters of `progression.with_policy`:
    ``threshold`` (of every `AverageScore`), ``floor`` (of every `ScoreFloor`),
    ``sustained`` (the cycles of `Sustained`) or ``time_in_level`` (the cycles of
    `TimeInLevel`). Each value is set on every policy that has the criterion, as
    ``with_policy(framework, **{parameter: value}, **fixed)`` would: ``fixed`` holds
    other `with_policy` arguments kept for the whole curve (a selection of moves,
    ``strict``...).

    ``values`` defaults to: the scale from its minimum to its maximum in steps of a
    tenth for the threshold; every score of the scale for the floor; for cycles, from
    1 to twice the most the framework asks (at least 4); each time leaving out those
    the framework refuses (a threshold below a floor, say).

    Raises:
        InvalidInput: ``parameter`` is not a monotone parameter, or ``fixed`` sets it.
        InvalidFramework: a value or a ``fixed`` argument the framework cannot take,
            as `with_policy` reports it.
    """
    return _curve(Curve, framework, population, parameter, values, fixed)


def _curve(  # noqa: PLR0917 - curve's arguments and the class to return
    cls: type[Curve],
    framework: Framework,
    population: Any,
    parameter: str,
    values: Iterable[Any] | None,
    fixed: Mapping[str, Any],
) -> Curve:
    if parameter not in MONOTONE or parameter in fixed:
        expected = f"one of {one_of(MONOTONE)}"
        said = f"curve parameter: expected {expected}, got {show(parameter)}"
        if parameter in MONOTONE:
            expected = f"{parameter!r} as the parameter or among the fixed arguments, not both"
            said = f"curve parameter: {parameter!r} is also fixed: expected {expected}"
        raise InvalidInput([Problem(message=said, expected=expected, got=show(parameter))])
    chosen = _defaults(framework, parameter, fixed) if values is None else list(values)
    found = sweep(framework, population, [{**fixed, parameter: v} for v in chosen])
    table = found.levels
    by_policy = np.asarray(table["policy"].to_numpy())
    table = table.drop_columns(["policy", "parameters"])
    if parameter == "threshold":
        exact = [to_fraction(t) for t in chosen]
        columns = [
            ("threshold_value", pa.array([float(exact[p]) for p in by_policy], pa.float64())),
            ("threshold_denominator", pa.array([exact[p].denominator for p in by_policy])),
            ("threshold_numerator", pa.array([exact[p].numerator for p in by_policy])),
            ("threshold", pa.array([show_number(exact[p]) for p in by_policy], pa.string())),
        ]
    else:
        columns = [(parameter, pa.array([int(chosen[p]) for p in by_policy], pa.int64()))]
    for name, column in columns:
        table = table.add_column(0, name, column)
    return cls(parameter=parameter, table=table)


def threshold_curve(
    framework: Framework,
    population: Any,
    thresholds: Iterable[Number] | None = None,
) -> ThresholdCurve:
    """The exact pass rate per level at every threshold, from one engine run.

    ``thresholds`` defaults to the scale from its minimum to its maximum in steps of a
    tenth, leaving out those the framework refuses (below a floor, say). Each is set
    on every `AverageScore` (as ``with_policy(threshold=...)``). The same as
    ``curve(framework, population, "threshold", thresholds)``.
    """
    found = _curve(ThresholdCurve, framework, population, "threshold", thresholds, {})
    assert isinstance(found, ThresholdCurve)
    return found


# --- aspirational ----------------------------------------------------------------------


def aspirational(
    framework: Framework, population: Any, *, low: float = 0.05, high: float = 0.60
) -> tuple[Finding, ...]:
    """Transitions whose pass rate is below ``low`` (PW101) or above ``high`` (PW102).

    The rate is measured among the people at the level moved from with a verdict
    (criteria met, approvals aside: the module docstring's pass rate). Findings read as
    lint's: the code, a message with the measured rate, the policy governing the move
    (``segments``) and a suggestion.
    """
    if not 0 <= low < high <= 1:
        raise ValueError(f"expected 0 <= low < high <= 1, got low={low!r}, high={high!r}")
    verdicts = evaluate_tables(framework, population_of(population)).verdicts
    _, met, ready = _outcomes(verdicts)
    group, names = _groups(verdicts, ("family", "level", "target_family", "target"))
    rates = _rates(group, names, met, ready)
    holders = _holders(framework)
    findings = []
    for i, (family, level, target_family, target) in enumerate(names):
        rate = float(rates["pass_rate"][i])
        people = int(rates["employees"][i])
        if low <= rate <= high:
            continue
        move = f"{level} -> {target}" + (f" ({target_family})" if target_family != family else "")
        measured = (
            f"{rate:.1%} of {people} people at {level} in {family!r} meet the criteria of {move}"
        )
        holder = holders.get((family, level, target, target_family))
        segments = ("policies", holder) if holder is not None else ()
        if rate < low:
            findings.append(
                Finding(
                    code="PW101",
                    severity=Severity.WARNING,
                    segments=segments,
                    message=f"aspirational: {measured}, below {low:.0%}",
                    suggestion="lower the bar (with_policy) or check the ratings behind it",
                )
            )
        else:
            findings.append(
                Finding(
                    code="PW102",
                    severity=Severity.WARNING,
                    segments=segments,
                    message=f"a bar everyone clears: {measured}, above {high:.0%}",
                    suggestion="raise the bar (with_policy) so that the step means something",
                )
            )
    return tuple(findings)


def _holders(framework: Framework) -> dict[tuple[str, str, str, str], int]:
    """The index of the policy written for each move (a transition, or its default)."""
    found = {}
    for family in framework.job_families:
        for (from_level, to_level, to_family), holder, _ in framework._governed(family):
            found[family.id, from_level, to_level, to_family or family.id] = holder
    return found
