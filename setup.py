"""The one compiled part: snippet windows in C (newswatch/rules/_windows.c).

Optional: where no C compiler is found, newswatch installs without it and
reads the same windows in Python (newswatch/rules/snippets.py).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("newswatch.rules._windows", ["newswatch/rules/_windows.c"], optional=True)])
