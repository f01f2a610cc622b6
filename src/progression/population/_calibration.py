"""Level fit and rater drift: does the team map sensibly to levels, and do raters agree?

Both read the counted scores (`Columns`): for each employee, cycle and competency, the
score of the first rater in the framework's ``raters`` list who gave one, exactly the
score the evaluator counts by default.

**Level fit.** An employee's *latest scores* are, per competency, the counted score of
the latest cycle that has one. The *distance* from a level is the root mean square of
``score - expected`` over the competencies that level expects with a stated proficiency
and that the employee has a latest score for; the best-matching level is the one of
the employee's current track ladder at the smallest distance (the lower on a tie). An
employee *meets* their own level when every latest score is at least what the level
expects (at least one compared). Likely under-levelled: the best match is above the
current level and the employee meets the next level up as well; likely over-levelled:
the best match is below and the current level is not met.

**Rater drift.** Scores are compared inside *cells* of people at the same level in the
same cycle, competency by competency. A rater's difference is the mean, over the counted
scores they gave, of ``score - mean of the other raters' counted scores in that cell``
(cells where nobody else rated are left out). Scores of one person move together, so
the uncertainty is measured with the person as the unit: the standard error is the
cluster-robust one over the people the rater scored, and intervals use the normal
quantile (`statistics.NormalDist`). Raters with at least ``min_ratings`` compared scores
are tested (two-sided), the p-values corrected with Benjamini-Hochberg at ``alpha``.
The ``low``/``high`` interval of every rater is at the false-coverage-adjusted level
``1 - R * alpha / m`` (``m`` raters tested, ``R`` flagged; ``1 - alpha / m`` when none is),
so that a tested rater is flagged exactly when that interval excludes zero.
Self versus manager gaps are ``self - manager`` over the cells both scored, per
competency, with the same person-clustered interval at ``1 - alpha``.

Rater drift reads the population in chunks of employees, twice over: the first pass
adds each score into sums and counts per (rater, cell) pair, and keeps a few bytes per
score (where its pair is, its value, its person's runs). Between the two, the pairs'
sums are added up per cell, and each pair's sums become the mean of the others' scores
in its cell, so the second pass
reads one number per score: it computes each compared score's difference from the
others' mean and adds it into per-rater and per-(rater, person) sums. Nothing holds
several wide columns per score of the whole population. Each rater's differences are
added in the order one pass over all scores would add them, so the differences do not
depend on the chunks.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from math import erf, sqrt
from statistics import NormalDist
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._model import Framework
from .._policy import Rater
from ._columns import MISSING, Columns

__all__ = ["LevelFit", "RaterDrift", "level_fit", "rater_drift"]


def _table_html(title: str, table: pa.Table, rows: int = 10) -> str:
    head = "".join(f"<th>{html.escape(name)}</th>" for name in table.column_names)
    body = []
    for row in table.slice(0, rows).to_pylist():
        cells = "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row.values())
        body.append(f"<tr>{cells}</tr>")
    more = f"<p>{table.num_rows - rows:,} more rows</p>" if table.num_rows > rows else ""
    return (
        f"<h4>{html.escape(title)}</h4><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>{more}"
    )


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else str(value)


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt  # noqa: PLC0415 - optional, for plots only
    except ImportError as exc:
        raise ImportError(
            f"plots need matplotlib ({exc}): pip install 'progression[population]'"
        ) from exc
    return plt


# --- level fit -------------------------------------------------------------------------


@attrs.frozen(kw_only=True, eq=False)
class LevelFit:
    """Each employee's best-matching level, and how each level's people fit it.

    ``employees``: one row per employee with a current level and latest scores:
    ``employee_id, family, track, level, best_level, distance`` (from the best level),
    ``own_distance`` (from the current level), ``meets_own``, ``meets_above`` (the next
    level up, false at the top of the ladder), ``steps`` (best level's
    place on the ladder minus the current one's) and ``fit`` (``under``, ``over`` or
    ``fits``). ``levels``: per family, track and level, ``employees``, ``meeting``
    (the share meeting their own level), ``under`` and ``over``.
    """

    employees: pa.Table
    levels: pa.Table

    @property
    def under_levelled(self) -> pa.Table:
        """The employees likely under-levelled: best match above, next level up met."""
        return self.employees.filter(pc.equal(self.employees["fit"], "under"))

    @property
    def over_levelled(self) -> pa.Table:
        """The employees likely over-levelled: best match below, own level not met."""
        return self.employees.filter(pc.equal(self.employees["fit"], "over"))

    def to_pandas(self, table: str = "levels") -> Any:
        """``levels`` (the default) or ``employees`` as a pandas DataFrame."""
        return getattr(self, table).to_pandas()

    def _repr_html_(self) -> str:
        return _table_html("Level fit per level", self.levels, rows=30)

    def plot(self, ax: Any = None) -> Any:
        """Bars per level: the share meeting their own level, and those under and over."""
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4))
        rows = self.levels.to_pylist()
        names = [f"{r['family']}/{r['level']}" for r in rows]
        x = np.arange(len(rows))
        total = np.array([max(r["employees"], 1) for r in rows], dtype=float)
        ax.bar(x - 0.25, [r["meeting"] for r in rows], 0.25, label="meets own level")
        ax.bar(x, np.array([r["under"] for r in rows]) / total, 0.25, label="under-levelled")
        ax.bar(x + 0.25, np.array([r["over"] for r in rows]) / total, 0.25, label="over-levelled")
        ax.set_xticks(x, names, rotation=45, ha="right")
        ax.set_ylabel("share of the level's people")
        ax.set_title("Level fit")
        ax.legend()
        return ax.figure


def level_fit(framework: Framework, population: Any) -> LevelFit:
    """The level each employee's latest scores match best, and how each level fits.

    ``population`` is a `Population` or the tables ``(ratings, levels, events)``. See the
    module docstring for the distance and the rules; employees without a current level
    of the framework or without any latest score are left out.
    """
    columns = Columns.build(framework, population, raters=False, cubes=False)
    count = len(columns.held)
    best_level = np.full(count, -1, np.int32)
    best_distance = np.full(count, np.inf)
    own_distance = np.full(count, np.nan)
    meets = np.zeros(count, bool)
    meets_above = np.zeros(count, bool)
    own_steps = np.full(count, -1, np.int32)
    best_steps = np.full(count, -1, np.int32)
    level_index = {pair: i for i, pair in enumerate(columns.levels)}
    competency_index = {c: i for i, c in enumerate(columns.competencies)}
    # Per track, its ladder's levels: (step, level code, the competencies it expects a
    # proficiency of and those proficiencies).
    ladders: list[list[tuple[int, int, np.ndarray, np.ndarray]]] = []
    for family_id, track_id in columns.tracks:
        family = framework.family(family_id)
        rungs = []
        for step, level in enumerate(family.ladder(track_id)):
            expected: dict[int, int] = {}
            for competency in family.track_of(level.id).competencies:
                expectation = competency.expectation(level.id)
                if expectation is not None and expectation.proficiency is not None:
                    expected[competency_index[competency.id]] = expectation.proficiency
            at = np.array(sorted(expected), np.intp)
            proficiency = np.array([expected[k] for k in at.tolist()], np.int32)
            rungs.append((step, level_index[family_id, level.id], at, proficiency))
        ladders.append(rungs)
    # By chunks of employees: each one's figures depend on their own scores only, and a
    # chunk's arrays stay small where a whole population's would not.
    for codes in _chunks(count):
        latest = _latest(columns, codes)
        rated = latest != MISSING
        values = latest.astype(np.int32)
        for code, rungs in enumerate(ladders):
            local = np.flatnonzero(columns.track[codes] == code)
            if not len(local):
                continue
            people = codes[local]
            scores, have = values[local], rated[local]
            current = columns.level[people]
            below: np.ndarray | None = None  # who holds the level under this one
            for step, level_code, at, proficiency in rungs:
                compared = have[:, at]
                n = compared.sum(axis=1)
                # Scores and proficiencies are whole numbers: the squares add up exactly
                # in integers, as they did in floats, and the distance is the same.
                gaps = scores[:, at] - proficiency
                gaps *= compared
                with np.errstate(invalid="ignore", divide="ignore"):
                    distance = np.sqrt(np.einsum("ij,ij->i", gaps, gaps) / n)
                distance = np.where(n > 0, distance, np.inf)
                better = distance < best_distance[people]
                best_distance[people] = np.where(better, distance, best_distance[people])
                best_level[people] = np.where(better, level_code, best_level[people])
                best_steps[people] = np.where(better, step, best_steps[people])
                here = current == level_code
                own_steps[people[here]] = step
                own_distance[people[here]] = np.where(n[here] > 0, distance[here], np.nan)
                # A gap below zero is a compared score under the proficiency.
                met = (n > 0) & ~(gaps < 0).any(axis=1)
                meets[people[here]] = met[here]
                if below is not None:
                    meets_above[people[below]] = met[below]
                below = here
    placed = (columns.level >= 0) & (own_steps >= 0) & np.isfinite(best_distance)
    steps = np.where(placed, best_steps - own_steps, 0)
    # Codes into `_FITS`.
    fit = np.where((steps > 0) & meets_above, 0, np.where((steps < 0) & ~meets, 1, 2))
    chosen = np.flatnonzero(placed)
    level_names = [lv for _, lv in columns.levels]
    employees = pa.table(
        {
            "employee_id": columns.employees.take(pa.array(chosen)),
            "family": _named(columns.families, columns.family[chosen]),
            "track": _named([t for _, t in columns.tracks], columns.track[chosen]),
            "level": _named(level_names, columns.level[chosen]),
            "best_level": _named(level_names, best_level[chosen]),
            "distance": pa.array(best_distance[chosen], pa.float64()),
            "own_distance": pa.array(own_distance[chosen], pa.float64()),
            "meets_own": pa.array(meets[chosen], pa.bool_()),
            "meets_above": pa.array(meets_above[chosen], pa.bool_()),
            "steps": pa.array(steps[chosen], pa.int32()),
            "fit": _named(_FITS, fit[chosen]),
        }
    )
    rows = []
    for code, (family_id, level_id) in enumerate(columns.levels):
        at = chosen[columns.level[chosen] == code]
        if not len(at):
            continue
        rows.append(
            {
                "family": family_id,
                "track": framework.family(family_id).track_of(level_id).id,
                "level": level_id,
                "employees": len(at),
                "meeting": float(meets[at].mean()),
                "under": int((fit[at] == 0).sum()),
                "over": int((fit[at] == 1).sum()),
            }
        )
    schema = pa.schema(
        [
            ("family", pa.string()),
            ("track", pa.string()),
            ("level", pa.string()),
            ("employees", pa.int64()),
            ("meeting", pa.float64()),
            ("under", pa.int64()),
            ("over", pa.int64()),
        ]
    )
    return LevelFit(employees=employees, levels=pa.Table.from_pylist(rows, schema=schema))


#: Level fit's verdicts, in the order of their codes.
_FITS = ("under", "over", "fits")


def _named(names: Sequence[str], codes: np.ndarray) -> pa.Array:
    """``names[code]`` per code as a string array; -1 is the last name, as numpy reads it.

    Taken by Arrow from the few names: no Python string per employee.
    """
    table = pa.array(list(names) or [""], pa.string())
    return table.take(pa.array(codes % len(table)))


# --- rater drift -----------------------------------------------------------------------

_DRIFT_SCHEMA = pa.schema(
    [
        ("rater_id", pa.string()),
        ("ratings", pa.int64()),
        ("employees", pa.int64()),
        ("difference", pa.float64()),
        ("low", pa.float64()),
        ("high", pa.float64()),
        ("p_value", pa.float64()),
        ("tested", pa.bool_()),
        ("flagged", pa.bool_()),
    ]
)
_GAP_SCHEMA = pa.schema(
    [
        ("competency", pa.string()),
        ("pairs", pa.int64()),
        ("employees", pa.int64()),
        ("gap", pa.float64()),
        ("low", pa.float64()),
        ("high", pa.float64()),
    ]
)


@attrs.frozen(kw_only=True, eq=False)
class RaterDrift:
    """Per rater, how far their counted scores sit from the others' for comparable people.

    ``raters``: one row per rater with compared scores, ``rater_id, ratings, employees,
    difference, low, high, p_value, tested, flagged``, most lenient first. ``self_gaps``:
    per competency, ``self - manager`` over the cells both scored. ``level`` is the
    confidence of ``low``/``high`` (see the module docstring).
    """

    raters: pa.Table
    self_gaps: pa.Table
    alpha: float
    min_ratings: int
    level: float

    @property
    def flagged(self) -> pa.Table:
        """The flagged raters only."""
        return self.raters.filter(self.raters["flagged"])

    def to_pandas(self, table: str = "raters") -> Any:
        """``raters`` (the default) or ``self_gaps`` as a pandas DataFrame."""
        return getattr(self, table).to_pandas()

    def _repr_html_(self) -> str:
        flagged = self.flagged.num_rows
        tested = int(np.sum(self.raters["tested"].to_numpy(zero_copy_only=False)))
        title = (
            f"Rater drift: {flagged} of {tested} raters tested flagged"
            f" (Benjamini-Hochberg at {self.alpha:g}, at least {self.min_ratings} ratings)"
        )
        return _table_html(title, self.raters) + _table_html(
            "Self minus manager, per competency", self.self_gaps, rows=30
        )

    def plot(self, ax: Any = None, *, top: int = 20) -> Any:
        """A forest plot: the ``top`` raters furthest from zero among those tested."""
        plt = _pyplot()
        rows = [r for r in self.raters.to_pylist() if r["tested"]]
        rows.sort(key=lambda r: -abs(r["difference"]))
        rows = sorted(rows[:top], key=lambda r: r["difference"])
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 0.3 * len(rows) + 1.5))
        y = np.arange(len(rows))
        for index, row in enumerate(rows):
            colour = "tab:red" if row["flagged"] else "tab:gray"
            ax.plot([row["low"], row["high"]], [index, index], color=colour)
            ax.plot([row["difference"]], [index], "o", color=colour)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(y, [r["rater_id"] for r in rows])
        ax.set_xlabel("mean difference from other raters (score points)")
        ax.set_title(f"Rater drift ({self.level:.1%} intervals; red: flagged)")
        return ax.figure


def rater_drift(
    framework: Framework, population: Any, *, min_ratings: int = 30, alpha: float = 0.05
) -> RaterDrift:
    """Raters whose counted scores sit apart from the others' for people at the same level.

    ``population`` is a `Population` or the tables ``(ratings, levels, events)`` with a
    ``rater_id`` column. See the module docstring for the comparison, the interval and
    the Benjamini-Hochberg flag; nobody is flagged on fewer than ``min_ratings`` scores.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, got {alpha!r}")
    columns = Columns.build(framework, population, cubes=False)
    count = len(columns.held)
    raters = len(columns.raters)
    shares = _Shares(columns)
    gaps = _Gaps(columns)
    kept = []
    for codes in _chunks(count):
        # Where several roles count, the self and manager scores read for the counted
        # ones serve the gaps too; else the gaps read theirs block by block.
        cells: dict[Rater, np.ndarray] = {}
        kept.append(shares.add(_Counted.read(columns, codes, cells, shares.reading), count))
        gaps.add(codes, cells)
    share = shares.means()
    n = np.zeros(raters, np.int64)
    sums = np.zeros(raters, np.float64)
    squares = 0.0
    clusters: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    compared_rows = 0
    while kept:
        chunk = kept.pop(0)  # let each chunk go once read
        found = shares.residuals(chunk)
        if found is None:
            continue
        summed, scored, compared, square = found
        compared_rows += compared
        squares += square
        n += np.bincount(chunk.cluster_rater, weights=scored, minlength=raters).astype(np.int64)
        # Each person's scores lie in one chunk, so the (rater, person) clusters do too;
        # a rater's sum is that of their clusters' (a few numbers each, not every score).
        sums += np.bincount(chunk.cluster_rater, weights=summed, minlength=raters)
        some = scored > 0
        clusters.append((chunk.cluster[some], scored[some], summed[some]))
    with np.errstate(invalid="ignore", divide="ignore"):
        difference = sums / n
    # Scores of one person move together (their ability, their strengths): the mean
    # residual of each person a rater scored is one unit. Its variance around the
    # rater's difference is pooled over every rater's people, so that it is known well
    # even for a rater of a handful of people, and the normal quantile applies.
    cluster = np.concatenate([c[0] for c in clusters]) if clusters else np.zeros(0, np.int64)
    order = np.argsort(cluster)
    cluster = cluster[order]
    cluster_n = np.concatenate([c[1] for c in clusters])[order] if clusters else np.zeros(0)
    cluster_sum = np.concatenate([c[2] for c in clusters])[order] if clusters else np.zeros(0)
    cluster_mean = cluster_sum / cluster_n
    cluster_rater = cluster // max(count, 1)
    people = np.bincount(cluster_rater, minlength=raters)
    spread = np.sum((cluster_mean - difference[cluster_rater]) ** 2)
    freedom = len(cluster) - int((people > 0).sum())
    unit = np.sqrt(spread / freedom) if freedom > 0 else np.nan
    weight = cluster_n / n[cluster_rater]
    own_part = unit**2 * np.bincount(cluster_rater, weights=weight**2, minlength=raters)
    # The others' mean is an estimate too, from few people in a small cell. The cells of
    # one rater share people (competencies, cycles), so their errors are added as if
    # fully correlated: an upper bound, which only matters where cells are small.
    # The squares about each rater's own mean: the residuals' means are small beside
    # their spread, so nothing cancels that matters.
    with np.errstate(invalid="ignore", divide="ignore"):
        around = squares - float(np.sum(np.where(n > 0, sums * difference, 0.0)))
    single = np.sqrt(max(around, 0.0) / max(compared_rows - raters, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        error = np.sqrt(own_part + (single * share / n) ** 2)
    normal = NormalDist()
    tested = (n >= min_ratings) & (people >= 2) & (error > 0)
    p_value = np.full(raters, np.nan)
    z = np.abs(difference[tested] / error[tested])
    # `NormalDist.cdf` to the bit, without its call per rater: ``(1 + erf(x / sqrt 2)) / 2``.
    p_value[tested] = [2 * (1 - 0.5 * (1.0 + erf(v / _SQRT2))) for v in z.tolist()]
    flagged = np.zeros(raters, bool)
    m = int(tested.sum())
    rejected = 0
    if m:
        order = np.argsort(p_value[tested], kind="stable")
        ranked = p_value[tested][order]
        passing = np.flatnonzero(ranked <= alpha * np.arange(1, m + 1) / m)
        rejected = int(passing[-1]) + 1 if len(passing) else 0
        chosen = np.flatnonzero(tested)[order[:rejected]]
        flagged[chosen] = True
    level = 1 - max(rejected, 1) * alpha / max(m, 1)
    half = normal.inv_cdf(1 - (1 - level) / 2) * error
    present = np.flatnonzero(n > 0)
    present = present[np.argsort(-difference[present], kind="stable")]
    table = pa.table(
        {
            "rater_id": pa.array([columns.raters[i] for i in present], pa.string()),
            "ratings": pa.array(n[present], pa.int64()),
            "employees": pa.array(people[present], pa.int64()),
            "difference": pa.array(difference[present], pa.float64()),
            "low": pa.array((difference - half)[present], pa.float64(), from_pandas=True),
            "high": pa.array((difference + half)[present], pa.float64(), from_pandas=True),
            "p_value": pa.array(p_value[present], pa.float64(), from_pandas=True),
            "tested": pa.array(tested[present], pa.bool_()),
            "flagged": pa.array(flagged[present], pa.bool_()),
        },
        schema=_DRIFT_SCHEMA,
    )
    return RaterDrift(
        raters=table, self_gaps=gaps.table(alpha), alpha=alpha, min_ratings=min_ratings, level=level
    )


_SQRT2 = sqrt(2.0)
#: Employees read at a time: a chunk's arrays stay a few tens of megabytes.
_CHUNK = 1 << 15
#: Pairs' groups handled at once when adding up the cells and the means: a block's
#: arrays (``span`` numbers per group) stay in the CPU's caches.
_GROUPS = 1 << 10
#: The bits a packed (sum, count) pair may use, sign included.
_PACKED_BITS = 63


def _latest(columns: Columns, codes: np.ndarray) -> np.ndarray:
    """The latest counted scores of the employees ``codes`` (consecutive), ``(len, C)``.

    Per competency, the counted score of the latest cycle with one; `MISSING` for none.
    """
    latest = np.full((len(codes), len(columns.competencies)), MISSING, np.int16)
    found = (
        columns.population._counted(columns.preferred, codes, columns.known)
        if columns.known
        else None
    )
    if found is None:
        return latest
    values, rated, _ = found
    mine = np.full(values.shape[::2], MISSING, np.int16)
    for t in range(values.shape[1]):
        np.copyto(mine, values[:, t], where=rated[:, t])
    latest[:, list(columns.target)] = mine
    return latest


def _chunks(count: int) -> list[np.ndarray]:
    """The employee codes ``0..count-1`` in consecutive runs of at most `_CHUNK`."""
    return [np.arange(start, min(start + _CHUNK, count)) for start in range(0, count, _CHUNK)]


#: A score block of at most one in `_SCAN` of a role's rated employees is read to find
#: the competencies its people were rated on at each level (`_layout`); larger ones
#: count on all of theirs.
_SCAN = 16


def _layout(columns: Columns, levels: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per level, the competencies its scores can be on and the most groups it can have.

    ``(used, bound, blocks)``: ``used`` ``(levels, len(known))`` says which known
    competencies a counted score at each level may be on, ``bound`` the (rater, level)
    groups each level may have, ``blocks`` ``(levels, blocks)`` which score blocks (not
    read) of the one role that counts give it its competencies (none for several).
    A role's score blocks each hold a track's competencies (`_Blocks`): a level's are
    those of the blocks whose people hold it in some cycle. The block of everyone else,
    on every competency, holds a few people: those of small blocks are read, and only
    the competencies they were rated on at each level count. A group's rater is a
    person's usual one for the role or one of the few others recorded.
    """
    pop = columns.population
    held = columns.held
    known = len(columns.known)
    index = {code: k for k, code in enumerate(columns.known)}
    used = np.zeros((levels, known), bool)
    present = [r for r in columns.preferred if r in pop._scores]
    large = np.zeros((levels, len(pop._scores[present[0]].members) if present else 0), bool)
    seen = np.zeros((len(columns.raters) + 1) * (levels + 1), bool)
    # Each (person, level held + 1) pair at least once: the first cycle's, and those of
    # the few cycles where the level changes (a handful of numbers per person).
    cycles = held.shape[1]
    changed = np.flatnonzero(held[:, 1:] != held[:, :-1]) if cycles > 1 else np.zeros(0, np.intp)
    person = np.concatenate([np.arange(len(held) if cycles else 0), changed // max(cycles - 1, 1)])
    above = np.concatenate(
        [held[:, :1].reshape(-1), held.reshape(-1)[changed + person[len(held) :] + 1]]
    )
    above = above.astype(np.int64) + 1
    for role in present:
        blocks = pop._scores[role]
        which = blocks.block.astype(np.int64) + 1
        pairs = np.bincount(
            which[person] * (levels + 1) + above,
            minlength=(len(blocks.members) + 1) * (levels + 1),
        ).reshape(-1, levels + 1)[1:, 1:]
        rated = int(np.count_nonzero(which))
        for block, competencies in enumerate(blocks.competencies):
            at = np.flatnonzero(pairs[block])
            if not len(at):
                continue
            members = blocks.members[block]
            if len(members) * _SCAN > rated:
                mine = np.array([index[c] for c in competencies.tolist() if c in index], np.intp)
                used[np.ix_(at, mine)] = True
                if len(present) == 1:
                    large[at, block] = True
                continue
            for first in range(0, len(members), _CHUNK):
                codes = members[first : first + _CHUNK]
                cells = pop._cube(role, codes, columns.known) != pop._unrated
                level = held[codes].astype(np.int64)
                cells &= (level >= 0)[:, :, None]
                keys = (level[:, :, None] * known + np.arange(known))[cells]
                used.reshape(-1)[keys] = True
        usual = pop._rater_ids.get(role)
        if usual is None:
            continue
        seen[(usual[person].astype(np.int64) + 1) * (levels + 1) + above] = True
        other = pop._rater_id_cells[role]
        level = held[other["employee"], other["cycle"]].astype(np.int64) + 1
        seen[(other["rater_id"].astype(np.int64) + 1) * (levels + 1) + level] = True
    bound = seen.reshape(-1, levels + 1)[1:, 1:].sum(axis=0).astype(np.int64)
    return used, bound, large if len(present) == 1 else large[:, :0]


def _cube_layouts(columns: Columns) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """The ways a chunk's scores are laid out per person, as `_Counted.read` reads them.

    ``(known, columns)`` each: the positions in ``columns.known`` of the competencies of
    a person's cells per cycle, rising (-1 for a place no score is in), and the columns
    of a score block that hold them (None: the cells as they are held). The first is
    every known competency (several roles count); then, when one role counts, one per
    score block of that role, on its competencies only.
    """
    every = np.arange(len(columns.known))
    layouts: list[tuple[np.ndarray, np.ndarray | None]] = [(every, None)]
    pop = columns.population
    present = [r for r in columns.preferred if r in pop._scores]
    if len(present) != 1:
        return layouts
    index = {code: k for k, code in enumerate(columns.known)}
    blocks = pop._scores[present[0]]
    for competencies, held in zip(blocks.competencies, blocks.scores, strict=True):
        place = np.array([index.get(c, -1) for c in competencies.tolist()], np.intp)
        if (place >= 0).all() and (np.diff(place) > 0).all():
            # The block's cells as held, scores unpacked two to a byte with the odd
            # one out's place (never rated) kept: no copy of the cells in another order.
            width = held.shape[2] * (1 if blocks.pairs is None else 2)
            layouts.append((np.append(place, np.full(width - len(place), -1)), None))
            continue
        mine = np.flatnonzero(place >= 0)
        # In the order of the known competencies: each person's scores come in the
        # order a cube of them all has them.
        mine = mine[np.argsort(place[mine], kind="stable")]
        layouts.append((place[mine], mine))
    return layouts


@attrs.frozen(kw_only=True)
class _Reading:
    """What `_Counted.read` needs of the whole population, found once.

    ``layouts`` (`_cube_layouts`); per employee, ``top``, the highest level held in a
    cycle, and ``mixed``, whether they hold several.
    """

    layouts: list[tuple[np.ndarray, np.ndarray | None]]
    top: np.ndarray
    mixed: np.ndarray

    @classmethod
    def make(cls, columns: Columns, levels: int) -> _Reading:
        held = columns.held
        top = np.full(len(held), -1, held.dtype)
        low = np.full(len(held), levels, held.dtype)
        # Cycle by cycle over the employees: no reduction along the short axis.
        for t in range(held.shape[1]):
            np.maximum(top, held[:, t], out=top)
            np.minimum(low, np.where(held[:, t] >= 0, held[:, t], levels), out=low)
        return cls(layouts=_cube_layouts(columns), top=top, mixed=(low != top) & (top >= 0))


def _by_blocks(
    columns: Columns,
    role: Rater,
    codes: np.ndarray,
    held: np.ndarray,
    reading: _Reading,
) -> _Counted | None:
    """The counted scores of the employees ``codes`` when one role counts, block by block.

    Each score block's people of the chunk are read on the block's competencies only
    (`_cube_layouts`): no cube of every competency, mostly unrated. Each person's
    scores are kept in the order of the cube's cells, the blocks one after the other.
    A score is kept with a rater id and a held level; its rater is its person's usual
    one, or the one recorded for it (`Population._ids`). None when no score has a
    rater id.

    Runs are found person by person: most people hold one level while rated and have
    their usual rater's scores only, one run each, with nothing per score to compare.
    Only the scores of the others are looked at one by one (`_runs`).
    """
    pop = columns.population
    usual = pop._rater_ids.get(role)
    if usual is None:
        return None
    blocks = pop._scores[role]
    levels = max(len(columns.levels), 1)
    cycles = held.shape[1]
    start, end = int(codes[0]), int(codes[-1]) + 1
    other = pop._rater_id_cells[role]
    inside = np.flatnonzero((other["employee"] >= start) & (other["employee"] < end))
    first = np.zeros(len(codes), np.int64)
    layout = np.zeros(len(codes), np.int16)
    parts: list[tuple[np.ndarray, np.ndarray, int]] = []
    runs: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    offset = scores = 0
    for index, members in enumerate(blocks.members):
        # In the members' type: no copy of them in another to search.
        low, high = (
            int(i) for i in np.searchsorted(members, np.array([start, end], members.dtype))
        )
        if low == high:
            continue
        local = members[low:high].astype(np.int64) - start
        known, take = reading.layouts[index + 1]
        values = blocks.unpacked(index, slice(low, high))
        if take is not None:
            values = values[:, :, take]
        width = values.shape[2]
        ids = usual[local + start].astype(np.int32)
        keep = values != pop._unrated
        here = held[local]
        # The few (person, cycle) rows without a rater id or a level held are cleared.
        unheld = np.flatnonzero(((ids < 0)[:, None] | (here < 0)).reshape(-1))
        keep.reshape(-1, width)[unheld] = False
        # The scores of anyone else: their own id, as `Population._ids` has it.
        column = np.full(len(pop._competencies), -1, np.int64)
        column[np.array(columns.known, np.intp)[known[known >= 0]]] = np.flatnonzero(known >= 0)
        employee = other["employee"][inside].astype(np.int64) - start
        at = np.minimum(np.searchsorted(local, employee), len(local) - 1)
        hit = np.flatnonzero((local[at] == employee) & (column[other["competency"][inside]] >= 0))
        cycle = other["cycle"][inside][hit].astype(np.int64)
        flat = (at[hit] * cycles + cycle) * width + column[other["competency"][inside][hit]]
        given = other["rater_id"][inside][hit]
        keep.reshape(-1)[flat] = (given >= 0) & (here[at[hit], cycle] >= 0)
        rows = np.flatnonzero(keep)
        # Where each person's kept cells begin, and how many: found in the sorted rows.
        begin = np.searchsorted(rows, np.arange(len(local) + 1) * (cycles * width))
        mine = np.diff(begin)
        begin = begin[:-1]
        # The level of a person's kept scores, and whether it is one throughout.
        top = reading.top[local + start]
        mixed = reading.mixed[local + start]
        mixed[at[hit]] = True
        simple = np.flatnonzero((mine > 0) & ~mixed)
        runs.append(
            (
                begin[simple] + scores,
                mine[simple],
                (local[simple] * levels + top[simple]).astype(np.int64),
                ids[simple],
            )
        )
        mixed = np.flatnonzero((mine > 0) & mixed)
        if len(mixed):
            # Their scores one by one: rater and level of each, runs where they change.
            count = mine[mixed]
            index_of = np.repeat(begin[mixed] - np.cumsum(count) + count, count)
            index_of += np.arange(len(index_of))
            rater = np.repeat(ids[mixed], count)
            if len(flat):
                place = np.minimum(np.searchsorted(rows, flat), max(len(rows) - 1, 0))
                found = np.flatnonzero(rows[place] == flat) if len(rows) else np.zeros(0, np.intp)
                rater[np.searchsorted(index_of, place[found])] = given[found]
            cell = rows[index_of] // width
            sitting = local[cell // cycles] * levels + here.reshape(-1)[cell]
            head, length = _runs(rater, sitting, np.repeat(np.arange(len(mixed)), count))
            runs.append((index_of[head] + scores, length, sitting[head], rater[head]))
        parts.append((values.reshape(-1), rows, offset))
        first[local] = offset + np.arange(len(local)) * (cycles * width)
        layout[local] = index + 1
        offset += len(local) * cycles * width
        scores += len(rows)
    if not parts:
        return None
    # Each block's scores written into their place of the chunk's: no second copy.
    value = np.empty(scores, blocks.dtype)
    cube = np.empty(scores, np.int64)
    done = 0
    for values, rows, offset in parts:
        mine = slice(done, done + len(rows))
        np.take(values, rows, out=value[mine])
        np.add(rows, offset, out=cube[mine])
        done += len(rows)
    head, length, sitting, rater = (np.concatenate(r) for r in zip(*runs, strict=True))
    order = np.argsort(head, kind="stable")
    return _Counted(
        value=value,
        cube=cube,
        head=head[order],
        length=length[order].astype(np.int64),
        sitting=sitting[order],
        rater=rater[order],
        levels=levels,
        first=first,
        layout=layout,
        start=start,
    )


def _runs(*keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the runs of equal ``keys`` (all alike, item by item) begin, and their lengths."""
    size = len(keys[0])
    begins = np.empty(size, bool)
    begins[:1] = True
    np.not_equal(keys[0][1:], keys[0][:-1], out=begins[1:])
    for key in keys[1:]:
        begins[1:] |= key[1:] != key[:-1]
    head = np.flatnonzero(begins)
    return head, np.diff(head, append=size)


@attrs.frozen(kw_only=True)
class _Counted:
    """One chunk's counted scores that have a rater and a held level, person by person.

    Read for a run of consecutive employee codes (`_chunks`). Per score only its value
    and where it sits (``cube``, `place`); per run of a person's scores by one rater at
    one level, where it begins (``head``), its ``length``, ``sitting`` and ``rater``.
    """

    value: np.ndarray  # the score, in the cubes' small integer type
    cube: np.ndarray  # where it sits among the chunk's cells read
    head: np.ndarray  # each run's first score
    length: np.ndarray  # each run's scores
    sitting: np.ndarray  # each run's person in the chunk * levels + the level held
    rater: np.ndarray  # each run's rater id code
    levels: int = 1  # the levels ``sitting`` counts with
    # Per person in the chunk, where their cells begin among those read, and how they
    # are laid out (an index into `_cube_layouts`): ``(cycle, competency)`` each.
    first: np.ndarray = attrs.field(factory=lambda: np.zeros(0, np.int64))
    layout: np.ndarray = attrs.field(factory=lambda: np.zeros(0, np.int16))
    start: int = 0  # the chunk's first employee code

    @classmethod
    def read(
        cls,
        columns: Columns,
        codes: np.ndarray,
        cells: dict[Rater, np.ndarray] | None = None,
        reading: _Reading | None = None,
    ) -> _Counted:
        """The chunk ``codes``; ``cells`` receives the roles' scores read (`Columns.rated`).

        Only where several roles count: one is read block by block (`_by_blocks`).
        ``reading`` is made here if not given.
        """
        pop = columns.population
        present = [r for r in columns.preferred if r in pop._scores]
        held = columns.held[codes]
        if len(present) == 1 and columns.known:
            found = _by_blocks(
                columns,
                present[0],
                codes,
                held,
                _Reading.make(columns, max(len(columns.levels), 1)) if reading is None else reading,
            )
            return cls.none() if found is None else found
        counted = columns.rated(codes, cells)
        if counted is None:
            return cls.none()
        values, counted_by = counted
        keep = counted_by >= 0
        unheld = held < 0
        if unheld.any():
            keep &= ~unheld[:, :, None]
        rows = np.flatnonzero(keep)
        width, rated = values.shape[1:]
        levels = max(len(columns.levels), 1)
        sitting = np.arange(len(codes), dtype=np.int64)[:, None] * levels + held
        sitting = sitting.reshape(-1)[rows // rated]
        rater = counted_by.reshape(-1)[rows]
        head, length = _runs(rater, sitting)
        return cls(
            value=values.reshape(-1)[rows],
            cube=rows,
            head=head,
            length=length,
            sitting=sitting[head],
            rater=rater[head],
            levels=levels,
            first=np.arange(len(codes), dtype=np.int64) * (width * rated),
            layout=np.zeros(len(codes), np.int16),
            start=int(codes[0]),
        )

    @classmethod
    def none(cls) -> _Counted:
        empty = np.zeros(0, np.int64)
        return cls(
            value=np.zeros(0, np.int16),
            cube=empty,
            head=empty,
            length=empty,
            sitting=empty,
            rater=np.zeros(0, np.int32),
        )

    def place(self, rows: np.ndarray, places: _Places) -> np.ndarray:
        """Each score's place plus its run's ``rows``.

        Where a person's cells are laid out as their level's row (`_Places.same`), a
        cell's place is its index among the person's; the others' are looked up.
        """
        sitting = self.sitting.astype(np.int64)
        person = sitting // self.levels
        level = sitting % self.levels
        layout = self.layout[person]
        found = np.repeat(rows - self.first[person], self.length)
        found += self.cube
        other = np.flatnonzero(~places.same[layout, level])
        if len(other):
            count = self.length[other]
            at = np.repeat(self.head[other] - np.cumsum(count) + count, count)
            at += np.arange(len(at))
            # The cell's index among its person's, moved to its layout's row of its level.
            shift = places.start[layout[other], level[other]] - self.first[person[other]]
            cell = np.repeat(shift, count)
            cell += self.cube[at]
            look = np.repeat(rows[other], count)
            look += places.table[cell]
            found[at] = look
        return found


@attrs.frozen(kw_only=True)
class _Places:
    """Each cell's place in a row of its level, per layout of a person's cells.

    ``table[start[layout, level] + cycle * width + k]`` is the place of the cell
    ``(cycle, k)`` of a person laid out as ``layout`` (`_cube_layouts`, ``width`` its
    places) in a row of ``level``: ``cycle * K + its competency's place among the
    level's K``.
    """

    table: np.ndarray
    start: np.ndarray
    same: np.ndarray  # where a layout's places are its level's row's: ``cycle * K + k``

    @classmethod
    def make(
        cls,
        rows: list[np.ndarray],
        cycles: int,
        layouts: list[tuple[np.ndarray, np.ndarray | None]],
        known: int,
    ) -> _Places:
        """The places of the levels' ``rows``: each row's known competencies, -1 for none."""
        tables, offset = [], 0
        start = np.zeros((len(layouts), len(rows)), np.int64)
        same = np.zeros((len(layouts), len(rows)), bool)
        for level, mine in enumerate(rows):
            column = np.zeros(known, np.int64)
            column[mine[mine >= 0]] = np.flatnonzero(mine >= 0)
            for index, (cells, _) in enumerate(layouts):
                same[index, level] = np.array_equal(cells, mine)
                # 0 where a layout's place holds no competency (no score is there).
                place = np.where(cells >= 0, column[np.maximum(cells, 0)], 0)
                table = np.arange(cycles)[:, None] * len(mine) + place
                start[index, level] = offset
                offset += table.size
                tables.append(table.reshape(-1))
        return cls(table=np.concatenate([np.zeros(0, np.int64), *tables]), start=start, same=same)


@attrs.frozen(kw_only=True)
class _Kept:
    """What the second pass reads of one chunk's scores: a few bytes each.

    Per score, in cube order: its ``slot`` among the pairs' arrays and its ``value``.
    Its (rater, person) cluster by runs of scores: ``run_length`` and ``run_cluster``
    (an index into ``cluster``, the chunk's clusters as keys ``rater * employees +
    person``, sorted, with ``cluster_rater``).
    """

    slot: np.ndarray
    value: np.ndarray
    run_length: np.ndarray
    run_cluster: np.ndarray
    cluster: np.ndarray
    cluster_rater: np.ndarray

    @classmethod
    def none(cls) -> _Kept:
        empty = np.zeros(0, np.int32)
        return cls(
            slot=empty,
            value=empty,
            run_length=empty,
            run_cluster=empty,
            cluster=np.zeros(0, np.int64),
            cluster_rater=empty,
        )


class _Shares:
    """Sums and counts of the counted scores per cell and per (rater, cell) pair.

    A cell is (level held, cycle, competency). Pairs are held dense per (rater, level)
    *group*, one row each: the groups are few (a rater rates people at a level or two),
    so the pairs' arrays stay near the number of pairs and every lookup is an index.
    A level's row has a place per cycle and competency its scores can be on only
    (`_layout`: people of one track are rated on its competencies), so rows are about
    as wide as the scores they hold. Each level's rows lie together in one flat
    array, in a region as large as the groups it may have, a group's row numbered as
    first met: a score's slot is its row's start plus its place, and a level's rows
    are one 2-D block beside its cells' sums (`means`). Where a level's people are in
    one score block, its row is laid out as that block's cells are read, so that their
    places need no lookup (`_Places`).
    """

    def __init__(self, columns: Columns) -> None:
        self.levels = max(len(columns.levels), 1)
        self.raters = len(columns.raters)
        self.count = len(columns.held)
        cycles = columns.held.shape[1]
        used, bound, large = _layout(columns, self.levels)
        self.reading = _Reading.make(columns, self.levels)
        # Each level's row: a score block's places where the level's people are in one
        # block (its cells as read are the row's, `_Counted.place`), else its competencies.
        rows = []
        for level in range(self.levels):
            blocks = np.flatnonzero(large[level])
            if len(blocks) == 1:
                cells, take = self.reading.layouts[int(blocks[0]) + 1]
                if (
                    take is None
                    and not (used[level] & ~np.isin(np.arange(used.shape[1]), cells)).any()
                ):
                    rows.append(cells)
                    continue
            rows.append(np.flatnonzero(used[level]))
        self.width = np.array([len(r) * cycles for r in rows], np.int64)
        self.places = _Places.make(rows, cycles, self.reading.layouts, used.shape[1])
        # Where each level's region begins, in slots and in rows.
        self.start = np.concatenate([[0], np.cumsum(bound * self.width)])
        self.row = np.concatenate([[0], np.cumsum(bound)])
        self.filled = np.zeros(self.levels, np.int64)
        # Each group's first slot by its key ``rater * levels + level``; -1 for none.
        self.base = np.full(self.raters * self.levels, -1, np.int64)
        self.mark = np.zeros(self.raters * self.levels, np.int32)
        # Each row's rater, by its place among all levels' rows.
        self.rater_of = np.zeros(int(self.row[-1]), np.int32)
        # Each pair's sum and count packed in one integer, ``sum << shift | count``, while
        # both fit (the sum is at most the largest score times the employees): one memory
        # access per score instead of two. Past that, ``numbers`` holds the counts apart.
        # Reserved whole: rows never written stay unreserved memory (zeroed pages are
        # only made when first touched).
        self.shift = max(self.count.bit_length(), 1)
        self.own = np.zeros(int(self.start[-1]), np.int64)
        self.numbers: np.ndarray | None = None
        self.largest = 0
        # Per level, its cells' sums and counts (`_cells`).
        self.total: list[np.ndarray] = []
        self.number: list[np.ndarray] = []

    def add(self, rows: _Counted, count: int) -> _Kept:
        """Count one chunk's scores in; what the second pass needs of them, compactly."""
        if not len(rows.value):
            return _Kept.none()
        # A person's scores by one rater at one level come in runs (`_Counted`): each
        # run is looked up once, for its group and its (rater, person) cluster, and
        # each score's slot is its run's row plus its place.
        length = rows.length
        run_rater = rows.rater.astype(np.int64)
        run_person = rows.sitting.astype(np.int64) // rows.levels
        run_level = rows.sitting % rows.levels
        run_key = run_rater * self.levels + run_level
        run_base = self.base[run_key]
        fresh = run_base < 0
        if fresh.any():
            # One of each new key: the run whose number its mark keeps (the last written).
            keys = run_key[fresh]
            self.mark[keys] = np.arange(len(keys), dtype=np.int32)
            self._open(keys[self.mark[keys] == np.arange(len(keys))])
            run_base = self.base[run_key]
        self._reserve(max(int(rows.value.max()), -int(rows.value.min())))
        slot = rows.place(run_base, self.places)
        if self.numbers is None:
            packed = np.left_shift(rows.value, self.shift, dtype=np.int64)
            packed += 1
            np.add.at(self.own, slot, packed)
        else:
            np.add.at(self.own, slot, rows.value.astype(np.int64))
            np.add.at(self.numbers, slot, np.ones(len(slot), np.int64))
        persons = len(rows.first)
        cluster, run_cluster = np.unique(run_rater * persons + run_person, return_inverse=True)
        return _Kept(
            slot=slot.astype(np.int32) if len(self.own) < 2**31 else slot,
            value=rows.value,
            run_length=length.astype(np.int32),
            run_cluster=run_cluster.astype(np.int32),
            cluster=cluster // persons * count + cluster % persons + rows.start,
            cluster_rater=(cluster // persons).astype(np.int32),
        )

    def _open(self, keys: np.ndarray) -> None:
        """A row for each new group ``keys``, the next free ones of its level's region."""
        level = keys % self.levels
        order = np.argsort(level, kind="stable")
        ranked = level[order]
        row = np.empty(len(keys), np.int64)
        row[order] = self.filled[ranked] + np.arange(len(keys)) - np.searchsorted(ranked, ranked)
        self.filled += np.bincount(level, minlength=self.levels)
        self.base[keys] = self.start[level] + row * self.width[level]
        self.rater_of[self.row[level] + row] = keys // self.levels

    def _region(self, level: int) -> slice:
        """The slots of the rows ``level`` has so far."""
        start = int(self.start[level])
        return slice(start, start + int(self.filled[level] * self.width[level]))

    def _reserve(self, largest: int) -> None:
        """Room for sums as large as ``largest`` times the employees: counts apart if need be."""
        self.largest = max(self.largest, largest)
        if self.numbers is None and (
            (self.largest * self.count).bit_length() + 1 + self.shift > _PACKED_BITS
        ):
            self.numbers = np.zeros(len(self.own), np.int64)
            for level in range(self.levels):
                rows = self._region(level)
                self.numbers[rows] = self.own[rows] & ((1 << self.shift) - 1)
                self.own[rows] >>= self.shift

    def _own(self, rows: slice) -> tuple[np.ndarray, np.ndarray]:
        """The sums and counts of the pairs in the slots ``rows``."""
        if self.numbers is None:
            packed = self.own[rows]
            return packed >> self.shift, packed & ((1 << self.shift) - 1)
        return self.own[rows], self.numbers[rows]

    def residuals(self, kept: _Kept) -> tuple[np.ndarray, np.ndarray, int, float] | None:
        """Each score's difference from the mean of the others in its cell, added up.

        ``(summed, clusters, compared, squares)`` of the chunk's scores: per cluster of
        ``kept.cluster``, ``summed`` adds up its scores' residuals and ``clusters``
        counts its compared scores; ``compared`` counts all of them and ``squares`` adds
        up their squared residuals. A score nobody else scored the cell of is not
        compared. None when no score is.
        """
        if not len(kept.value):
            return None
        residual = self.own.view(np.float64).take(kept.slot)
        np.subtract(kept.value, residual, out=residual)
        clusters = np.bincount(
            kept.run_cluster, weights=kept.run_length, minlength=len(kept.cluster)
        ).astype(np.int64)
        lone = np.isnan(residual)
        alone = np.flatnonzero(lone)
        if len(alone) == len(residual):
            return None
        heads = np.zeros(len(kept.run_length), np.intp)
        np.cumsum(kept.run_length[:-1], out=heads[1:])
        if len(alone):
            # Few scores have nobody else in their cell: zeros add nothing to the sums.
            run = np.searchsorted(heads, alone, side="right") - 1
            clusters -= np.bincount(kept.run_cluster[run], minlength=len(kept.cluster))
            residual[alone] = 0.0
        # Not `np.dot`: its BLAS threads spin on a shared machine, a fifth of the run's
        # CPU, and their sum depends on how many there are.
        squares = float(np.einsum("i,i->", residual, residual))
        # A run's scores are contiguous: summed run by run, then the runs per cluster.
        summed = np.bincount(
            kept.run_cluster,
            weights=np.add.reduceat(residual, heads),
            minlength=len(kept.cluster),
        )
        return summed, clusters, len(residual) - len(alone), squares

    def _cells(self) -> None:
        """Each level's cells' sums and counts (``total``, ``number``): its rows added up.

        While sums and counts are packed, the packed rows add up as they are: a cell's
        count is below ``2**shift`` (one score per employee) and its sum fits as a
        pair's does.
        """
        self.total, self.number = [], []
        for level in range(self.levels):
            shape = (int(self.filled[level]), int(self.width[level]))
            rows = self._region(level)
            total = self.own[rows].reshape(shape).sum(axis=0)
            if self.numbers is None:
                number = total & ((1 << self.shift) - 1)
                total >>= self.shift
            else:
                number = self.numbers[rows].reshape(shape).sum(axis=0)
            # Whole numbers far below 2**53: exact as floats.
            self.total.append(total.astype(np.float64))
            self.number.append(number)

    def means(self) -> np.ndarray:
        """Turn each pair's sums into the others' mean in its cell; each rater's share.

        Once every chunk is counted (`add`): each pair's slot then holds, as float64 in
        the same memory, ``(cell's sum - pair's sum) / (cell's count - pair's count)``,
        NaN where nobody else scored the cell, so that `residuals` reads one number per
        score. A level's rows are read a block of `_GROUPS` at a time beside its cells'
        sums. Returns per rater the sum over their pairs of ``scores / sqrt(others'
        scores)``.
        """
        self._cells()
        mean = self.own.view(np.float64)
        share = np.zeros(self.raters, np.float64)
        for level in range(self.levels):
            filled, width = int(self.filled[level]), int(self.width[level])
            if not filled or not width:
                continue
            total = self.total[level]
            # The counts as floats: exact (far below 2**53), and no conversion per pair below.
            number = self.number[level].astype(np.float64)
            start = int(self.start[level])
            part = np.zeros(filled, np.float64)
            for first in range(0, filled, _GROUPS):
                last = min(first + _GROUPS, filled)
                rows = slice(start + first * width, start + last * width)
                sums, own = self._own(rows)
                counted = own.astype(np.float64).reshape(-1, width)
                others = number - counted
                # A pair that did not score a cell adds 0 / sqrt(...) = 0.0 as it did when
                # masked out: only cells nobody else scored need their zero put in.
                root = np.sqrt(np.where(others == 0, np.inf, others))
                np.divide(counted, root, out=counted)
                part[first:last] = counted.sum(axis=1)
                found = total - sums.reshape(-1, width)
                # Where nobody else scored a cell, its sum is the pair's: 0 / 0, NaN.
                with np.errstate(invalid="ignore", divide="ignore"):
                    np.divide(found, others, out=mean[rows].reshape(-1, width))
            # Added up per rater level by level, whatever `_GROUPS` is: the same
            # rounding for any block size.
            raters = self.rater_of[int(self.row[level]) : int(self.row[level]) + filled]
            share += np.bincount(raters, weights=part, minlength=self.raters)
        self.numbers = None
        return share


class _Gaps:
    """The self-versus-manager gaps, gathered chunk by chunk: see `add` and `table`.

    Per person and competency, the sum of the gaps over cycles is one clustered unit.
    Each chunk's units are kept competency by competency (``competency`` counts each
    known competency's), so that each competency's are sliced out in the end, in the
    order of the people.
    """

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        self.competency: list[np.ndarray] = []
        self.unit_sum: list[np.ndarray] = []
        self.unit_n: list[np.ndarray] = []
        self.done = False
        self.rows: list[np.ndarray] = []  # the self and manager blocks' `places`

    def add(self, codes: np.ndarray, cells: dict[Rater, np.ndarray]) -> None:
        """Count in the units of the employees ``codes``.

        Each role's scores over the competencies ``known``: from ``cells`` where reading
        the counted scores left them there, else read here, block by block (`_blocks`).
        """
        if self.done:
            return
        if not cells:
            self._blocks(codes)
            return
        columns = self.columns
        pop = columns.population
        # Only the people who rated themselves can have a gap: unless read already, the
        # self scores are read for those the role scored at all (a few, as a rule).
        scored = np.arange(len(codes))
        if Rater.SELF not in cells and Rater.SELF in pop._raters():
            scored = np.flatnonzero(pop._scores[Rater.SELF].block[codes] >= 0)
        mine = columns.role_rated(
            Rater.SELF, codes[scored], cells if len(scored) == len(codes) else None
        )
        if mine is None:
            self.done = True
            return
        mine_values, mine_rated = mine
        some = np.flatnonzero(mine_rated.any(axis=(1, 2)))
        who = scored[some]
        mine_values, mine_rated = mine_values[some], mine_rated[some]
        if Rater.MANAGER in cells:
            found = columns.role_rated(Rater.MANAGER, codes, cells)
            manager = None if found is None else (found[0][who], found[1][who])
        else:
            manager = columns.role_rated(Rater.MANAGER, codes[who])
        if manager is None:
            self.done = True
            return
        both = mine_rated & manager[1]
        # Exact in integers: the sums over cycles are the same as in floats. A type twice
        # the scores' width holds any difference; outside ``both`` it is zeroed.
        wide = np.dtype(f"int{min(mine_values.dtype.itemsize * 16, 64)}")
        gap = np.subtract(mine_values, manager[0], dtype=wide)
        gap *= both
        # Cycle by cycle over contiguous slices: cheaper than reducing the middle axis.
        # In 32 bits: a sum over cycles of differences of small scores fits many times.
        counts = np.zeros((len(who), both.shape[2]), np.int32)
        sums = np.zeros(counts.shape, np.int32)
        for t in range(both.shape[1]):
            counts += both[:, t]
            sums += gap[:, t]
        self._units(counts, sums)

    def _units(self, counts: np.ndarray, sums: np.ndarray) -> None:
        """Keep the units of a chunk's people (rows, in order) per known competency."""
        # Competency-major copies: picked out in one pass each, not across the rows.
        counts, sums = np.ascontiguousarray(counts.T), np.ascontiguousarray(sums.T)
        units = counts > 0
        self.competency.append(units.sum(axis=1))
        self.unit_sum.append(sums[units].astype(np.float64))
        self.unit_n.append(counts[units].astype(np.int64))

    def _blocks(self, codes: np.ndarray) -> None:
        """`add` for the employees ``codes`` (consecutive), each role read block by block.

        The people with both a self and a manager score block, by pair of blocks: each
        read on the competencies the two blocks share only, not through cubes of every
        competency. Whoever has no gap has no unit, as in `add`.
        """
        columns = self.columns
        pop = columns.population
        roles = pop._raters()
        if Rater.SELF not in roles or Rater.MANAGER not in roles or not columns.known:
            self.done = True
            return
        mine, theirs = pop._scores[Rater.SELF], pop._scores[Rater.MANAGER]
        if not self.rows:
            # Each employee's row in their block, of each role: found once.
            self.rows = [mine.places(), theirs.places()]
        index = np.full(len(pop._competencies), -1, np.intp)
        index[list(columns.known)] = np.arange(len(columns.known))
        pair = mine.block[codes].astype(np.int64) * len(theirs.members) + theirs.block[codes]
        people = np.flatnonzero((mine.block[codes] >= 0) & (theirs.block[codes] >= 0))
        counts = np.zeros((len(people), len(columns.known)), np.int32)
        sums = np.zeros(counts.shape, np.int32)
        # Exact in integers, as `add`: a type twice the scores' width holds a difference.
        wide = np.dtype(f"int{min(mine.dtype.itemsize * 16, 64)}")
        for key in np.unique(pair[people]).tolist():
            at = np.flatnonzero(pair[people] == key)
            own, other = divmod(key, len(theirs.members))
            shared = np.intersect1d(mine.competencies[own], theirs.competencies[other])
            shared = shared[index[shared] >= 0]
            if not len(shared):
                continue
            who = codes[people[at]]
            values = mine.unpacked(own, self.rows[0][who])[:, :, mine.position[own][shared]]
            given = theirs.unpacked(other, self.rows[1][who])
            given = given[:, :, theirs.position[other][shared]]
            both = values != pop._unrated
            both &= given != pop._unrated
            gap = np.subtract(values, given, dtype=wide)
            gap *= both
            count = np.zeros((len(at), len(shared)), np.int32)
            total = np.zeros(count.shape, np.int32)
            for t in range(both.shape[1]):
                count += both[:, t]
                total += gap[:, t]
            counts[np.ix_(at, index[shared])] = count
            sums[np.ix_(at, index[shared])] = total
        self._units(counts, sums)

    def table(self, alpha: float) -> pa.Table:
        """One row per competency with a gap: its mean and interval at ``alpha``."""
        return _gap_table(self.columns, alpha, self.competency, self.unit_sum, self.unit_n)


def _gap_table(
    columns: Columns,
    alpha: float,
    competency: list[np.ndarray],
    unit_sum: list[np.ndarray],
    unit_n: list[np.ndarray],
) -> pa.Table:
    # Where each chunk's units of each known competency begin and end.
    bounds = [np.concatenate([[0], np.cumsum(counts)]) for counts in competency]
    known = {code: k for k, code in enumerate(columns.target)}
    quantile = NormalDist().inv_cdf(1 - alpha / 2)
    rows = []
    for index, name in enumerate(columns.competencies):
        k = known.get(index)
        if k is None:
            continue
        spans = [slice(int(b[k]), int(b[k + 1])) for b in bounds]
        units_sum = np.concatenate(
            [np.zeros(0)] + [chunk[at] for chunk, at in zip(unit_sum, spans, strict=True)]
        )
        units_n = np.concatenate(
            [np.zeros(0, np.int64)] + [chunk[at] for chunk, at in zip(unit_n, spans, strict=True)]
        )
        n = int(units_n.sum())
        if not n:
            continue
        people = len(units_n)
        mean = float(units_sum.sum() / n)
        deviation = units_sum - units_n * mean
        error = (
            float(np.sqrt(people / (people - 1) * (deviation**2).sum()) / n)
            if people > 1
            else float("nan")
        )
        rows.append(
            {
                "competency": name,
                "pairs": n,
                "employees": people,
                "gap": mean,
                "low": mean - quantile * error,
                "high": mean + quantile * error,
            }
        )
    return pa.Table.from_pylist(rows, schema=_GAP_SCHEMA)
