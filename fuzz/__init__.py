"""The fuzz harness: hostile documents for every loader, and an oracle for each input.

- `fuzz.seeds`: valid documents to start from (the bundled examples, the sample team,
  small frameworks and histories drawn from `progression.strategies`);
- `fuzz.mutate`: structure-aware mutators of plain data and of text (keys, types,
  numbers at the edges, unicode, nesting, duplicates, dangling references, byte damage,
  CSV quoting damage);
- `fuzz.targets`: one target per loader and for the command line, each with its
  oracle: only `progression.exceptions` errors escape, time and memory stay in
  proportion to the input's size, and whatever loads is written and read back equal;
- `fuzz.run`: the seeded mutation campaign (``make fuzz``), with replay of findings;
- `fuzz.guided`: the coverage-guided campaign with atheris.

This package imports nothing from progression at import time, so that `fuzz.guided`
can instrument progression as it is first imported. See ``docs/fuzzing.md``.
"""
