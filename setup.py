"""The compiled parts: snippet windows (newswatch/rules/_windows.c) and the
tests of what lies between two NEAR hits (newswatch/rules/_hits.c), in C.

Optional: where no C compiler is found, newswatch installs without them and
gives the same answers in Python (snippets.py, scopes.py, document.py).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension(f"newswatch.rules.{name}", [f"newswatch/rules/{name}.c"], optional=True)
                   for name in ("_windows", "_hits")])
