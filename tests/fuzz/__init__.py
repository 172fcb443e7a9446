"""Differential fuzzing of the compiler: random valid numpy programs, differentiated by autodiff
and checked against central finite differences (and autograd, and forward mode).

- ``generator``: writes the programs (``generate(chooser, family)``; hypothesis strategies in
  ``programs(family)``).
- ``registry_ops``: a call template for every case of every registered rule
  (``tests/runtime/rule_cases.py`` and ``cases_*.py``), drawn by the generator.
- ``oracle``: runs one program and returns an ``Outcome`` (ok, skip, or fail with a report).
- ``reduce``: shrinks a failing program (statements, blocks, expressions, unused inputs).
- ``test_fuzz``: the quick profile (400 programs, part of ``python -m pytest``).
- ``long_profile`` (``python -m tests.fuzz --programs 20000``): the long profile.
"""
