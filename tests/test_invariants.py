"""Every generated framework is valid; every generated fault is caught at its path."""

from typing import Any

import pytest
from hypothesis import given

import progression
from progression import Framework, strategies
from progression.exceptions import Segment, render_path


@given(framework=strategies.frameworks())
def test_generated_frameworks_pass_construction(framework: Framework) -> None:
    data = progression.unstructure(framework)
    assert progression.structure(data, Framework) == framework


@given(case=strategies.invalid_framework_data())
def test_no_invalid_framework_passes(case: tuple[dict[str, Any], tuple[Segment, ...]]) -> None:
    data, path = case
    with pytest.raises(progression.InvalidFramework) as raised:
        progression.structure(data, Framework)
    assert render_path(path) in [p.path for p in raised.value.problems], str(raised.value)
