"""Lossless round-trip and deterministic output, for every format and every framework."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import progression
from progression import Framework, RatingHistory, examples, strategies
from progression._formats import FORMATS

formats = pytest.mark.parametrize("fmt", FORMATS)


@formats
@given(framework=strategies.frameworks())
def test_dump_then_load_gives_an_equal_framework(fmt: Any, framework: Framework) -> None:
    text = progression.dump_framework(framework, format=fmt)
    assert progression.loads_framework(text, format=fmt) == framework


@formats
@given(framework=strategies.frameworks())
def test_dumps_are_deterministic(fmt: Any, framework: Framework) -> None:
    first = progression.dump_framework(framework, format=fmt)
    reloaded = progression.loads_framework(first, format=fmt)
    # Same value, rebuilt from scratch: maps are rebuilt in another insertion order.
    assert progression.dump_framework(reloaded, format=fmt) == first
    assert progression.dump_framework(framework, format=fmt) == first


@given(framework=strategies.frameworks())
def test_frameworks_are_hashable_values(framework: Framework) -> None:
    twin = progression.structure(progression.unstructure(framework), Framework)
    assert twin == framework
    assert hash(twin) == hash(framework)


@given(st.data())
def test_from_type_builds_every_public_type(data: st.DataObject) -> None:
    for cls in (
        progression.RatingScale,
        progression.Level,
        progression.Track,
        progression.JobFamily,
        progression.AverageScore,
        progression.ScopeEvidence,
        progression.PromotionPolicy,
        progression.Link,
        progression.Behaviour,
        progression.Expectation,
        progression.Approval,
    ):
        value = data.draw(st.from_type(cls))
        assert isinstance(value, cls)
        assert progression.structure(progression.unstructure(value), cls) == value


@formats
@pytest.mark.parametrize("name", examples.names())
def test_examples_round_trip(fmt: Any, name: str) -> None:
    framework = examples.load(name)
    text = progression.dump_framework(framework, format=fmt)
    assert progression.loads_framework(text, format=fmt) == framework


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@given(data=st.data())
def test_dumped_histories_load_back_equal(fmt: Any, data: st.DataObject) -> None:
    framework = data.draw(strategies.frameworks(max_families=1))
    histories = data.draw(st.lists(strategies.rating_histories(framework), max_size=3))
    text = progression.dump_history(histories, format=fmt)
    loaded = progression.loads_history(text, format=fmt)
    assert loaded == tuple(histories)
    assert progression.dump_history(loaded, format=fmt) == text


def test_one_history_dumps_as_a_list_of_one() -> None:
    (history,) = examples.team()[:1]
    assert isinstance(history, RatingHistory)
    text = progression.dump_history(history)
    assert text.startswith("employees:\n- employee: ")
    assert progression.loads_history(text) == (history,)
