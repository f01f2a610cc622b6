"""The population engine on Dask: one partition of whole employees per task.

`evaluate_dask` moves every row of an employee into one partition of each input (the
three frames are shuffled on the same key: a hash of the employee id, modulo the number
of partitions), then maps `evaluate_partition`, the engine's one pure function over a
partition, over the partitions of the three frames side by side. Each task turns its
pandas partitions into Arrow tables, evaluates them and hands back one of the three
result tables as pandas, with Arrow-backed dtypes so that exact values, nulls and
integers come through unchanged. The schema is fixed (``meta``), known before any
partition runs: it is the engine's own result for an empty partition.

Needs the ``dask`` extra: ``pip install 'progression[dask]'``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa

from .._history import Cycle
from .._model import Framework
from ._verdicts import evaluate_partition

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TABLES", "evaluate_dask"]

#: The result tables `evaluate_dask` can give, in `evaluate_partition`'s order.
TABLES = ("verdicts", "criteria", "errors")
Table = Literal["verdicts", "criteria", "errors"]
#: The column that carries each row's partition while the inputs are shuffled.
_KEY = "__employee_partition"
#: The column that carries each row's index in its input, for the errors' ``row``.
_ROW = "__input_row"
#: The sources `evaluate_partition` names the three inputs by, in its errors.
_SOURCES = ("ratings", "levels", "events")


def _dask() -> Any:
    try:
        import dask.dataframe as dd  # noqa: PLC0415 - an extra of its own
    except ImportError as exc:
        raise ImportError(
            f"evaluate_dask needs dask ({exc}): pip install 'progression[dask]'"
        ) from exc
    return dd


def _arrow(frame: pd.DataFrame | None) -> pa.Table | None:
    """A pandas partition as an Arrow table, without the shuffle's key."""
    if frame is None:
        return None
    plain = frame.drop(columns=[_KEY, _ROW], errors="ignore")
    return pa.Table.from_pandas(plain, preserve_index=False)


def _pandas(table: pa.Table) -> pd.DataFrame:
    """An Arrow result as pandas: dictionaries decoded, every column Arrow-backed."""
    import pandas as pd  # noqa: PLC0415 - dask brings it

    columns = [
        column.cast(column.type.value_type) if pa.types.is_dictionary(column.type) else column
        for column in table.columns
    ]
    plain = pa.table(columns, names=table.column_names)
    return plain.to_pandas(types_mapper=pd.ArrowDtype)


def _partition(
    ratings: pd.DataFrame,
    levels: pd.DataFrame,
    events: pd.DataFrame | None,
    *,
    framework: Framework,
    as_of: Cycle | str | None,
    target: str | None,
    table: int,
) -> pd.DataFrame:
    """One partition's result table: the task each worker runs."""
    found = evaluate_partition(
        framework,
        _arrow(ratings),
        _arrow(levels),
        _arrow(events),
        as_of=as_of,
        target=target,
    )
    result = _pandas(found[table])
    if TABLES[table] == "errors" and len(result):
        _restore_rows(result, dict(zip(_SOURCES, (ratings, levels, events), strict=True)))
    return result


def _restore_rows(errors: pd.DataFrame, inputs: dict[str, pd.DataFrame | None]) -> None:
    """Number the errors' rows as in the input frames, not as in the partition.

    A row is told by its index in its input frame (null when that index is not an
    integer), in the ``row`` column and at the start of the ``path`` (``$[row]``).
    """
    import pandas as pd  # noqa: PLC0415

    for source, frame in inputs.items():
        if frame is None or _ROW not in frame.columns:
            continue
        mine = (errors["source"] == source).fillna(False) & errors["row"].notna()
        if not mine.any():
            continue
        local = errors.loc[mine, "row"].astype("int64").to_numpy()
        found = pd.Series(frame[_ROW].to_numpy()[local])
        found = found.where(found >= 0)
        errors.loc[mine, "row"] = found.astype(errors["row"].dtype).to_numpy()
        paths = list(errors.loc[mine, "path"].astype(object))
        for index, (path, row) in enumerate(zip(paths, found, strict=True)):
            prefix = f"$[{local[index]}]"
            if isinstance(path, str) and path.startswith(prefix) and not pd.isna(row):
                paths[index] = f"$[{int(row)}]{path[len(prefix) :]}"
        errors.loc[mine, "path"] = pd.array(paths, dtype=errors["path"].dtype)


def _empty(columns: list[str]) -> pa.Table:
    return pa.table({name: pa.array([], pa.string()) for name in columns})


def _meta(framework: Framework, table: int) -> pd.DataFrame:
    """The result's schema: the engine's own result for a partition with no rows."""
    found = evaluate_partition(
        framework,
        _empty(["employee_id", "cycle", "competency", "score"]),
        _empty(["employee_id", "family", "track", "level", "since"]),
        None,
    )
    return _pandas(found[table])


def _keyed(frame: Any, partitions: int) -> Any:
    """The frame shuffled so that each employee's rows share one partition."""
    import pandas as pd  # noqa: PLC0415

    def key(part: pd.DataFrame) -> pd.DataFrame:
        ids = part["employee_id"].astype("string[pyarrow]")
        hashed = pd.util.hash_pandas_object(ids, index=False).to_numpy()
        index = part.index
        rows = index.to_numpy() if pd.api.types.is_integer_dtype(index.dtype) else -1
        return part.assign(**{_KEY: (hashed % partitions).astype("int64"), _ROW: rows})

    meta = frame._meta.assign(
        **{_KEY: pd.Series([], dtype="int64"), _ROW: pd.Series([], dtype="int64")}
    )
    return frame.map_partitions(key, meta=meta).shuffle(on=_KEY, npartitions=partitions)


def evaluate_dask(
    framework: Framework,
    ratings: Any,
    levels: Any,
    events: Any = None,
    *,
    as_of: Cycle | str | None = None,
    target: str | None = None,
    table: Table = "verdicts",
    npartitions: int | None = None,
) -> Any:
    """Evaluate a population held in Dask DataFrames; a lazy Dask DataFrame of results.

    The inputs are the three long tables (`progression.population.Population` lists
    their columns) as ``dask.dataframe`` frames, partitioned in any way: they are
    shuffled by employee into ``npartitions`` partitions (by default, as many as the
    input with the most), and `evaluate_partition` runs on each. The result has the
    rows of `PopulationVerdicts` (``table="verdicts"``, one per employee; ``"criteria"``,
    one per employee and criterion; ``"errors"``, one per problem), in no particular
    order, with Arrow-backed pandas dtypes; each table is computed on its own, so ask
    only for the ones you need.

    Raises:
        ImportError: dask is not installed.
        ValueError: ``table`` is not one of ``verdicts``, ``criteria``, ``errors``.
    """
    if table not in TABLES:
        raise ValueError(f"no table {table!r}: expected one of {', '.join(TABLES)}")
    dd = _dask()
    frames = [ratings, levels] if events is None else [ratings, levels, events]
    partitions = npartitions or max(frame.npartitions for frame in frames)
    keyed = [_keyed(frame, partitions) for frame in frames]
    position = TABLES.index(table)
    return dd.map_partitions(
        _partition,
        *keyed,
        *([] if events is not None else [None]),
        framework=framework,
        as_of=as_of,
        target=target,
        table=position,
        meta=_meta(framework, position),
        align_dataframes=False,
        enforce_metadata=False,
    )
