"""`evaluate_dask` on a real two-process cluster equals the single-machine engine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dask
import dask.dataframe as dd
import pandas as pd
import pyarrow as pa
import pytest
from distributed import Client, LocalCluster

from progression import examples
from progression.population import Population, evaluate_dask, evaluate_population

FRAMEWORK = examples.load("engineering")
KEYS = {"verdicts": ["employee_id"], "criteria": ["employee_id", "position"]}


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            worker_dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


@pytest.fixture(scope="module")
def tables() -> tuple[pa.Table, pa.Table, pa.Table]:
    ratings, levels, events = examples.population(300, seed=5)
    # A few rows that break the rules, so that errors travel too.
    first = ratings.column("employee_id")[0].as_py()
    bad = pa.table(
        {
            "employee_id": [first, "e9999"],
            "cycle": ["2026-Q3", "2026-Q3"],
            "competency": ["comunication", "delivery"],
            "score": pa.array([3, 4], pa.int8()),
            "rater": ["peer", "manager"],
            "rater_id": ["x", "x"],
        }
    )
    plain = pa.concat_tables([_plain(ratings), bad])
    return plain, _plain(levels), _plain(events)


def _plain(table: pa.Table) -> pa.Table:
    return pa.table(
        [c.cast(pa.string()) if pa.types.is_dictionary(c.type) else c for c in table.columns],
        names=table.column_names,
    )


def _frame(table: pa.Table, partitions: int) -> Any:
    return dd.from_pandas(table.to_pandas(), npartitions=partitions)  # type: ignore[no-untyped-call]


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys).reset_index(drop=True)


def _expected(table: pa.Table) -> pd.DataFrame:
    """A single-machine table as `evaluate_dask` gives it: dictionaries decoded, Arrow dtypes."""
    plain = pa.table(
        [c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in table.columns],
        names=table.column_names,
    )
    return plain.to_pandas(types_mapper=pd.ArrowDtype)


def test_the_cluster_gives_the_single_machine_tables(
    client: Client, tables: tuple[pa.Table, pa.Table, pa.Table]
) -> None:
    ratings, levels, events = tables
    # Inputs partitioned with no regard for employees: the shuffle brings each together.
    inputs = (_frame(ratings, 7), _frame(levels, 3), _frame(events, 2))
    results = {
        name: evaluate_dask(FRAMEWORK, *inputs, table=name, npartitions=4)
        for name in ("verdicts", "criteria", "errors")
    }
    assert all(result.npartitions == 4 for result in results.values())
    found = dask.compute(*results.values())  # type: ignore[attr-defined,no-untyped-call]
    computed = dict(zip(results, found, strict=True))
    local = evaluate_population(FRAMEWORK, Population.from_tables(*tables))
    for name, distributed in computed.items():
        expected = _expected(getattr(local, name))
        assert list(distributed.columns) == list(expected.columns), name
        assert len(distributed) == len(expected), name
        keys = KEYS.get(name, list(expected.columns))
        pd.testing.assert_frame_equal(_sorted(distributed, keys), _sorted(expected, keys))
    assert len(computed["errors"]) >= 2
    assert len(computed["verdicts"]) >= 300


def test_the_schema_is_known_before_anything_runs(
    tables: tuple[pa.Table, pa.Table, pa.Table],
) -> None:
    ratings, levels, _ = tables
    result = evaluate_dask(FRAMEWORK, _frame(ratings, 2), _frame(levels, 2))
    assert list(result.columns)[:3] == ["employee_id", "family", "track"]
    assert "status" in result.columns


def test_an_unknown_table_is_refused(tables: tuple[pa.Table, pa.Table, pa.Table]) -> None:
    ratings, levels, _ = tables
    with pytest.raises(ValueError, match="no table 'summary'"):
        evaluate_dask(FRAMEWORK, _frame(ratings, 1), _frame(levels, 1), table="summary")  # type: ignore[arg-type]
