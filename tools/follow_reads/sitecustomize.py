"""Loaded at start-up by the Python processes that a page's executed blocks start.

tools/run_blocks.py puts this folder first on their PYTHONPATH and names, in BOOK_READS_DIR,
where each records what it read under the repository (its files, folders and imported modules)
when it exits, so that the page's stored outputs depend on what its subprocesses read too. Then
the sitecustomize module that this one hides, if the interpreter has one, is loaded as usual.
"""

import importlib.machinery
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

if os.environ.get("BOOK_READS_DIR"):
    sys.path.insert(0, os.path.dirname(HERE))  # tools/, for run_blocks
    try:
        import run_blocks
    finally:
        sys.path.pop(0)
    run_blocks.follow_this_process()

_hidden = importlib.machinery.PathFinder.find_spec(
    "sitecustomize", [p for p in sys.path if os.path.abspath(p or ".") != HERE])
if _hidden is not None and _hidden.loader is not None:
    _module = importlib.util.module_from_spec(_hidden)
    _hidden.loader.exec_module(_module)
