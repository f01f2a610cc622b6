"""The results of a population's evaluation: flat Arrow tables, and the way back to one verdict."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._evaluation._engine import evaluate
from .._evaluation._results import Verdict
from .._history import Cycle
from .._model import Framework
from ..exceptions import InvalidHistory
from ._evaluate import CRITERIA_SCHEMA, ERRORS_SCHEMA, VERDICTS_SCHEMA, evaluate_tables
from ._population import Population

__all__ = ["PopulationVerdicts", "evaluate_partition", "evaluate_population"]

SUMMARY_SCHEMA = pa.schema(
    [
        ("family", pa.string()),
        ("track", pa.string()),
        ("level", pa.string()),
        ("employees", pa.int64()),
        ("ready", pa.int64()),
        ("ready_pending_approval", pa.int64()),
        ("not_ready", pa.int64()),
        ("insufficient_data", pa.int64()),
        ("errors", pa.int64()),
    ]
)
_TABLES = ("verdicts", "criteria", "errors", "summary")


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list[str | None]]:
    """A dictionary column's indices (-1 for null) and its dictionary."""
    combined = column.combine_chunks()
    if not pa.types.is_dictionary(combined.type):
        combined = combined.dictionary_encode()
    indices = combined.indices.cast(pa.int64()).fill_null(-1).to_numpy(zero_copy_only=False)
    return indices, combined.dictionary.to_pylist()


def _summary(verdicts: pa.Table) -> pa.Table:
    """Per family, track and level: how many employees, and how many of each status."""
    keys = [_codes(verdicts.column(name)) for name in ("family", "track", "level")]
    sizes = [len(names) + 1 for _, names in keys]
    key = np.zeros(verdicts.num_rows, np.int64)
    for (codes, _), size in zip(keys, sizes, strict=True):
        key = key * size + codes + 1
    status, statuses = _codes(verdicts.column("status"))
    met = np.asarray(
        pc.fill_null(verdicts.column("met_except_approval"), False).to_numpy(zero_copy_only=False),
        bool,
    )
    named = {name: i for i, name in enumerate(statuses)}

    def count(mask: np.ndarray | None = None) -> np.ndarray:
        chosen = key if mask is None else key[mask]
        found: np.ndarray = np.bincount(chosen, minlength=int(np.prod(sizes)))
        return found

    def status_is(name: str) -> np.ndarray:
        found: np.ndarray = status == named.get(name, -2)
        return found

    errors = verdicts.column("errors").to_numpy() > 0
    columns = {
        "employees": count(),
        "ready": count(status_is("ready")),
        "ready_pending_approval": count(~status_is("ready") & met & (status >= 0)),
        "not_ready": count(status_is("not_ready")),
        "insufficient_data": count(status_is("insufficient_data")),
        "errors": count(errors),
    }
    present = np.flatnonzero(columns["employees"])
    rows = []
    for flat in present:
        parts = []
        rest = int(flat)
        for (_, names), size in zip(reversed(keys), reversed(sizes), strict=True):
            rest, code = divmod(rest, size)
            parts.append(names[code - 1] if code else None)
        family, track, level = reversed(parts)
        rows.append((family, track, level, *(int(c[flat]) for c in columns.values())))
    rows.sort(key=lambda r: tuple((v is None, v or "") for v in r[:3]))
    return pa.table(
        {name: [row[i] for row in rows] for i, name in enumerate(SUMMARY_SCHEMA.names)},
        schema=SUMMARY_SCHEMA,
    )


class PopulationVerdicts:
    """Every employee's verdict as flat Arrow tables a notebook can filter.

    Attributes:
        verdicts: One row per employee, in the population's order: ``employee_id,
            family, track, level, target_family, target, route, as_of, status,
            met_except_approval, ready_since, earliest, errors`` (statuses as
            `progression.Status` values, cycles as text; null where the employee has
            errors instead of a verdict; ``errors`` counts their rows in `errors`).
        criteria: One row per employee and criterion, in the order of `verdicts`:
            ``employee_id, position`` (the
            criterion's index in its policy), ``kind, code, outcome``, the observed
            value as exact text (``observed``: ``3.5``, ``10/3``, ``true``), as
            ``observed_numerator`` and ``observed_denominator`` (null when larger than
            64 bits) and as a float (``observed_value``), and the required value in the
            same four columns. An employee's rows are together, in policy order. The
            four forms of a value are dictionary-encoded over the values met and share
            one column of indices (a row holds one index per value); `to_pandas` and
            `to_polars` give the numbers as plain columns, and
            ``column.cast(column.type.value_type)`` does in Arrow.
        errors: One row per problem: ``employee_id, source, line, row, path, message,
            code, expected, got``. ``code`` is an `progression.EvaluationError` code,
            ``invalid_history`` (the history breaks the framework: unknown competency,
            level, track or family, a score off the scale) or ``invalid_row`` (a row
            refused while loading). ``line`` is the line of a CSV file, ``row`` the
            0-based row of the table.
        summary: Per family, track and level: ``employees, ready,
            ready_pending_approval, not_ready, insufficient_data, errors``.
            ``ready_pending_approval`` counts those not ready whose only unmet
            criteria are approvals, so they are counted in ``not_ready`` too.
        fallbacks: Employees the single evaluator decided instead of the columnar path.
    """

    __slots__ = (
        "_as_of",
        "_framework",
        "_population",
        "_target",
        "criteria",
        "errors",
        "fallbacks",
        "summary",
        "verdicts",
    )

    def __init__(
        self,
        *,
        verdicts: pa.Table,
        criteria: pa.Table,
        errors: pa.Table,
        fallbacks: int,
        framework: Framework,
        population: Population,
        as_of: Cycle | str | None,
        target: str | None,
    ) -> None:
        self.verdicts = verdicts
        self.criteria = criteria
        self.errors = errors
        self.summary = _summary(verdicts)
        self.fallbacks = fallbacks
        self._framework = framework
        self._population = population
        self._as_of = as_of
        self._target = target

    def __len__(self) -> int:
        """The number of employees."""
        return int(self.verdicts.num_rows)

    def _table(self, table: str) -> pa.Table:
        if table not in _TABLES:
            raise ValueError(f"no table {table!r}: expected one of {', '.join(_TABLES)}")
        found: pa.Table = getattr(self, table)
        return found

    def to_pandas(self, table: str = "verdicts") -> Any:
        """A table as a pandas DataFrame (``verdicts`` unless ``table`` names another).

        Text columns become categoricals; numbers stored as indices into the values met
        (the criteria's exact and float columns) become plain numbers. Needs pandas.
        """
        return numbers_decoded(self._table(table)).to_pandas()

    def to_polars(self, table: str = "verdicts") -> Any:
        """A table as a polars DataFrame (``verdicts`` unless ``table`` names another).

        Needs polars.
        """
        import polars  # noqa: PLC0415

        return polars.from_arrow(self._table(table))

    def verdict(self, employee_id: str) -> Verdict:
        """The full `progression.Verdict` of one employee, with gaps and plan.

        The single evaluator decides it from the employee's history in the population.

        Raises:
            KeyError: no employee has that id (the message names the closest one).
            InvalidHistory: the employee's history breaks the framework.
            EvaluationError: the employee cannot be evaluated (see `errors`).
        """
        population = self._population
        found = int(pc.index(population.employees, employee_id).as_py())
        if found < 0:
            raise KeyError(_unknown_employee(population.employees, employee_id))
        return evaluate(
            self._framework,
            population.history(found),
            target=self._target,
            as_of=self._as_of,
        )

    def _repr_html_(self) -> str:
        rows = self.summary.to_pylist()
        head = "".join(f"<th>{html.escape(n)}</th>" for n in SUMMARY_SCHEMA.names)
        body = "".join(
            "<tr>"
            + "".join(
                f"<td>{'' if row[n] is None else html.escape(str(row[n]))}</td>"
                for n in SUMMARY_SCHEMA.names
            )
            + "</tr>"
            for row in rows[:50]
        )
        more = f"<p>and {len(rows) - 50} more levels</p>" if len(rows) > 50 else ""
        return (
            f"<div><p>{len(self)} employees, {self.criteria.num_rows} criterion results,"
            f" {self.errors.num_rows} errors</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}</div>"
        )

    def __repr__(self) -> str:
        return f"<PopulationVerdicts: {len(self)} employees, {self.errors.num_rows} errors>"


def numbers_decoded(table: pa.Table) -> pa.Table:
    """``table`` with each dictionary-encoded number column as plain numbers."""
    columns = [
        column.cast(column.type.value_type)
        if pa.types.is_dictionary(column.type) and not pa.types.is_string(column.type.value_type)
        else column
        for column in table.columns
    ]
    return pa.table(columns, names=table.column_names)


def evaluate_population(
    framework: Framework,
    population: Population,
    *,
    as_of: Cycle | str | None = None,
    target: str | None = None,
    strict: bool = False,
) -> PopulationVerdicts:
    """Every employee's verdict, exactly as `progression.evaluate` gives it, in flat tables.

    Args:
        framework: The framework whose policies apply.
        population: The employees (`Population`).
        as_of: The cycle to evaluate; defaults, per employee, to the latest cycle of
            their history, as `progression.evaluate` does.
        target: A level id, or ``family/level``, for every employee; defaults to each
            one's next level.
        strict: Raise every problem at once instead of reporting them in ``errors``.

    Raises:
        EvaluationError: ``as_of`` is not a cycle of the framework's cadence.
        InvalidHistory: with ``strict``, every problem of every employee (evaluation
            errors among them, by their message), grouped as the core groups them.
    """
    tables = evaluate_tables(framework, population, as_of=as_of, target=target)
    if strict and tables.problems:
        raise InvalidHistory(tables.problems)
    return PopulationVerdicts(
        verdicts=tables.verdicts,
        criteria=tables.criteria,
        errors=tables.errors,
        fallbacks=tables.fallbacks,
        framework=framework,
        population=population,
        as_of=as_of,
        target=target,
    )


def evaluate_partition(
    framework: Framework,
    ratings: pa.Table,
    levels: pa.Table,
    events: pa.Table | None,
    *,
    as_of: Cycle | str | None = None,
    target: str | None = None,
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """The pure function over one partition holding whole employees.

    ``(verdicts, criteria, errors)`` with the schemas of `PopulationVerdicts`, also when
    empty: every row of one employee must be in the partition. Distributed wrappers
    (Dask, Ray, Spark) call exactly this on each partition and concatenate the results.
    """
    population = Population.from_tables(ratings, levels, events)
    tables = evaluate_tables(framework, population, as_of=as_of, target=target)
    return (
        tables.verdicts.cast(VERDICTS_SCHEMA),
        tables.criteria.cast(CRITERIA_SCHEMA),
        tables.errors.cast(ERRORS_SCHEMA),
    )


#: Up to this many employees, every id is a candidate for the closest one; beyond, the
#: ids beside it in sorted order (a million comparisons would take seconds).
_EVERY_ID = 20_000


def _unknown_employee(employees: pa.Array, employee_id: object) -> str:
    """The message for an id no employee has, with the closest id if one is close."""
    import difflib  # noqa: PLC0415 - only for a mistyped id

    text = str(employee_id)
    if len(employees) <= _EVERY_ID:
        candidates = employees.to_pylist()
    else:
        ordered = employees.take(pc.sort_indices(employees))
        at = int(np.searchsorted(np.asarray(ordered.to_numpy(zero_copy_only=False)), text))
        candidates = ordered[max(at - 50, 0) : at + 50].to_pylist()
    close = difflib.get_close_matches(text, [str(c) for c in candidates], n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"no employee {employee_id!r} in the population{hint}"
