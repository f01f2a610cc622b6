"""The public face: the names progression exports, and what they say about themselves.

Adding a public name means adding it to the lists below, in the order ``__all__`` keeps
(constants, then classes, then functions and modules, each alphabetical).
"""

from __future__ import annotations

import importlib.metadata
import inspect
import os
import pickle
import re
import subprocess
import sys
import types
import typing
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import cattrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import progression
import progression.population
from progression import _hypothesis_hook, examples, exceptions, strategies
from progression.exceptions import UnreadableInput

PUBLIC = [
    "RULES",
    "Approval",
    "AverageScore",
    "Behaviour",
    "BranchPoint",
    "Cadence",
    "Calibration",
    "Competency",
    "CompetencyKind",
    "Criterion",
    "CriterionResult",
    "Crossover",
    "Cycle",
    "CycleCheck",
    "EvaluationError",
    "Evidence",
    "Expectation",
    "Finding",
    "Format",
    "Framework",
    "Gap",
    "Increase",
    "InvalidFramework",
    "InvalidHistory",
    "InvalidInput",
    "JobFamily",
    "LateralPath",
    "Level",
    "LevelAssignment",
    "Link",
    "LintReport",
    "ManagerEndorsement",
    "MeetsExpectations",
    "Metadata",
    "Observed",
    "Origin",
    "Outcome",
    "Plan",
    "Problem",
    "ProgressionError",
    "PromotionPolicy",
    "Rater",
    "Rating",
    "RatingHistory",
    "RatingScale",
    "Review",
    "Rule",
    "ScopeEvidence",
    "ScoreFloor",
    "Severity",
    "Status",
    "SuppressedFinding",
    "Suppression",
    "Sustained",
    "TimeInLevel",
    "Timeline",
    "Track",
    "TrackKind",
    "UnreadableInput",
    "Verdict",
    "WayBack",
    "converter",
    "criterion_key",
    "dump_framework",
    "dump_history",
    "evaluate",
    "examples",
    "interchange",
    "json_schema",
    "lint",
    "lint_description",
    "load_framework",
    "load_history",
    "loads_framework",
    "loads_history",
    "merge_criteria",
    "structure",
    "timeline",
    "unstructure",
    "with_policy",
]

STRATEGIES = [
    "APPROVAL_STEPS",
    "behaviours",
    "criteria",
    "expectations",
    "frameworks",
    "ids",
    "invalid_framework_data",
    "job_families",
    "levels",
    "links",
    "metadata",
    "promotion_policies",
    "rating_histories",
    "rating_scales",
    "texts",
    "tracks",
    "words",
]

EXAMPLES = ["UnknownExample", "load", "names", "population", "team", "team_files", "text"]

POPULATION = [
    "Comparison",
    "Curve",
    "LevelFit",
    "Population",
    "PopulationVerdicts",
    "RaterDrift",
    "Sweep",
    "ThresholdCurve",
    "aspirational",
    "compare",
    "curve",
    "evaluate_dask",
    "evaluate_partition",
    "evaluate_population",
    "level_fit",
    "rater_drift",
    "sweep",
    "threshold_curve",
]

# Public names that are neither classes nor functions, so have no module of their own.
TYPE_ALIASES = {"Criterion", "Format", "Metadata", "Observed"}
VALUES: dict[str, type] = {
    "RULES": dict,
    "converter": cattrs.Converter,
    "examples": types.ModuleType,
    "interchange": types.ModuleType,
}


def export_order(name: str) -> tuple[int, str]:
    """Constants, then classes, then the rest: how ``ruff`` sorts ``__all__``."""
    if name.isupper():
        return (0, name)
    return (1 if name[:1].isupper() else 2, name)


@pytest.mark.parametrize(
    ("module", "names"),
    [
        (progression, PUBLIC),
        (strategies, STRATEGIES),
        (examples, EXAMPLES),
        (progression.population, POPULATION),
    ],
    ids=["progression", "strategies", "examples", "population"],
)
def test_all_is_exactly_the_public_names_in_order(
    module: types.ModuleType, names: list[str]
) -> None:
    assert module.__all__ == names
    assert names == sorted(names, key=export_order)
    assert len(set(names)) == len(names)


def test_every_public_name_reports_a_public_module() -> None:
    for name in PUBLIC:
        obj = getattr(progression, name)
        if name in TYPE_ALIASES:
            assert not isinstance(obj, type | types.FunctionType), name
        elif name in VALUES:
            assert isinstance(obj, VALUES[name]), name
        elif name in exceptions.__all__:  # already public where they are defined
            assert obj.__module__ == "progression.exceptions", name
        else:
            assert isinstance(obj, type | types.FunctionType), name
            assert obj.__module__ == "progression", name
            assert obj.__qualname__ == name, name
    for name in STRATEGIES:
        value = getattr(strategies, name)
        if callable(value):  # constants such as APPROVAL_STEPS are plain data
            assert value.__module__ == "progression.strategies", name
    for name in EXAMPLES:
        assert getattr(examples, name).__module__ == "progression.examples", name
    for name in POPULATION:
        obj = getattr(progression.population, name)
        assert obj.__module__ == "progression.population", name
        assert obj.__qualname__ == name, name


def test_the_exceptions_stay_in_their_public_module() -> None:
    for name in exceptions.__all__:
        assert getattr(exceptions, name).__module__ == "progression.exceptions", name


def test_star_import_gives_every_public_name() -> None:
    namespace: dict[str, Any] = {}
    exec("from progression import *", namespace)
    assert set(PUBLIC) <= set(namespace)


PUBLIC_CLASSES = [
    getattr(progression, name)
    for name in PUBLIC
    if isinstance(getattr(progression, name), type) and name not in exceptions.__all__
]


@pytest.mark.parametrize("cls", PUBLIC_CLASSES, ids=lambda cls: cls.__name__)
def test_type_hints_still_resolve(cls: type) -> None:
    # The names in annotations live in private modules; moving __module__ must not
    # leave them dangling for attrs, cattrs or typing.get_type_hints.
    hints = typing.get_type_hints(cls)
    if attrs.has(cls):
        for field in attrs.fields(cls):
            assert not isinstance(field.type, str), (cls, field.name)
            assert field.name in hints


@pytest.mark.parametrize("cls", PUBLIC_CLASSES, ids=lambda cls: cls.__name__)
def test_signatures_and_docstrings_are_there(cls: type) -> None:
    assert inspect.getdoc(cls), cls
    inspect.signature(cls)


@pytest.fixture(scope="module")
def framework() -> progression.Framework:
    return examples.load("engineering")


@pytest.fixture(scope="module")
def verdict(framework: progression.Framework) -> progression.Verdict:
    return progression.evaluate(framework, examples.team()[0])


def test_pickles_name_only_public_modules(
    framework: progression.Framework, verdict: progression.Verdict
) -> None:
    history = examples.team()[0]
    report = progression.lint(framework)
    for value in (framework, verdict, history, report, progression.Status.READY):
        data = pickle.dumps(value)
        assert pickle.loads(data) == value
        assert b"progression._" not in data, type(value)


def test_a_pickle_loads_in_a_fresh_interpreter(
    framework: progression.Framework, verdict: progression.Verdict, tmp_path: Path
) -> None:
    path = tmp_path / "values.pickle"
    path.write_bytes(pickle.dumps((framework, verdict)))
    script = (
        "import pickle, sys\n"
        "framework, verdict = pickle.loads(open(sys.argv[1], 'rb').read())\n"
        "print(type(framework).__module__, type(framework).__name__, verdict.status.value)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    assert done.stdout == f"progression Framework {verdict.status.value}\n"


@given(strategies.frameworks())
def test_any_framework_survives_pickle(framework: progression.Framework) -> None:
    assert pickle.loads(pickle.dumps(framework)) == framework


def test_structure_and_unstructure_after_the_move(
    framework: progression.Framework, verdict: progression.Verdict
) -> None:
    data = progression.unstructure(framework)
    assert progression.structure(data, progression.Framework) == framework
    assert progression.loads_framework(progression.dump_framework(framework)) == framework
    assert progression.unstructure(verdict)["employee"] == verdict.employee
    with pytest.raises(progression.InvalidFramework) as error:
        progression.structure({**data, "name": 3}, progression.Framework)
    assert [p.path for p in error.value.problems] == ["$.name"]
    assert "expected a string" in error.value.problems[0].message


def test_json_schemas_after_the_move(
    framework: progression.Framework, verdict: progression.Verdict
) -> None:
    for cls, value in ((progression.Framework, framework), (progression.Verdict, verdict)):
        schema = progression.json_schema(cls)
        jsonschema.Draft202012Validator.check_schema(schema)
        errors = jsonschema.Draft202012Validator(schema).iter_errors(progression.unstructure(value))
        assert [e.message for e in errors] == []
        assert cls.__name__ in schema["$defs"]


def test_reprs_after_the_move(framework: progression.Framework) -> None:
    level = framework.family("engineering").level("IC3")
    assert repr(level).startswith("Level(id='IC3', name=")
    assert repr(progression.AverageScore(threshold=Fraction(7, 2))).startswith(
        "AverageScore(threshold=Fraction(7, 2)"
    )
    assert repr(progression.Status.READY) == "<Status.READY: 'ready'>"
    assert repr(progression.Framework) == "<class 'progression.Framework'>"
    assert repr(progression.evaluate).startswith("<function evaluate at ")
    assert progression.evaluate.__module__ == "progression"


# Hypothesis' entry point, which must not need Hypothesis to be imported first.


def fresh_python(code: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_NO_PLUGINS"}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )


FROM_TYPE = """
from hypothesis import given, settings, strategies as st
import progression

@settings(max_examples=5, database=None, deadline=None)
@given(st.from_type(progression.Framework), st.from_type(progression.Level))
def check(framework, level):
    assert isinstance(framework, progression.Framework)
    assert isinstance(level, progression.Level)

check()
print("ok")
"""


@pytest.mark.parametrize(
    "imports",
    [
        "import progression.strategies",
        "from progression import strategies",
        "import hypothesis; import progression",
        "import progression; import hypothesis",
        "import progression; import progression.strategies",
    ],
)
def test_imports_in_any_order_in_a_fresh_interpreter(imports: str) -> None:
    done = fresh_python(imports + "\n" + FROM_TYPE)
    assert done.stderr == ""
    assert done.stdout == "ok\n"
    assert done.returncode == 0


def test_the_hook_imports_no_hypothesis() -> None:
    done = fresh_python(
        "import sys, progression._hypothesis_hook\nprint('hypothesis' in sys.modules)"
    )
    assert (done.stdout, done.stderr) == ("False\n", "")


def test_the_entry_point_is_the_hook() -> None:
    hooks = [
        entry.value
        for entry in importlib.metadata.entry_points(group="hypothesis")
        if entry.value.startswith("progression")
    ]
    assert hooks == ["progression._hypothesis_hook:setup_hook"], "reinstall: pip install -e ."


def test_every_registered_type_has_its_strategy() -> None:
    assert set(_hypothesis_hook.REGISTERED) == set(strategies._type_strategies())
    for cls in _hypothesis_hook.REGISTERED:
        assert cls.__module__ == "progression"


@settings(max_examples=5)  # each example draws every type; frameworks are slow to draw
@given(st.data())
def test_from_type_draws_every_registered_type(data: st.DataObject) -> None:
    for cls in _hypothesis_hook.REGISTERED:
        assert isinstance(data.draw(st.from_type(cls)), cls)


# Bundled examples asked for by a name that is not bundled.


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("enginering", " (did you mean 'engineering'?)"),
        ("Sales", " (did you mean 'sales'?)"),
        ("finance", ""),
        ("../engineering", " (did you mean 'engineering'?)"),
        ("", ""),
    ],
)
@pytest.mark.parametrize("lookup", [examples.text, examples.load])
def test_an_unknown_example_is_a_progression_error(lookup: Any, name: str, hint: str) -> None:
    with pytest.raises(examples.UnknownExample) as error:
        lookup(name)
    assert str(error.value) == (
        f"no example named {name!r}{hint}: expected one of engineering, people, sales"
    )
    assert isinstance(error.value, UnreadableInput)
    assert isinstance(error.value, progression.ProgressionError)
    assert isinstance(error.value, KeyError)  # what it raised before, still caught
    assert pickle.loads(pickle.dumps(error.value)).args == error.value.args


def test_every_public_name_is_in_the_api_reference() -> None:
    text = (Path(__file__).parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    documented = re.findall(r"^::: progression\.(\w+)$", text, re.MULTILINE)
    modules = ["exceptions", "examples", "strategies"]
    assert [name for name in documented if name in modules] == modules
    names = [name for name in documented if name not in modules]
    # The errors are documented with their module, progression.exceptions.
    assert sorted(names) == sorted(set(PUBLIC) - {"examples"} - set(exceptions.__all__))
    assert len(names) == len(set(names))
    wing = re.findall(r"^::: progression\.population\.(\w+)$", text, re.MULTILINE)
    assert sorted(wing) == sorted(POPULATION)
