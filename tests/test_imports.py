"""The book's modules import each other in one direction: a stage only from itself and earlier
stages, no module of the book imports one that imports it back (not even in a program's
`if __name__ == "__main__":` block), and chapter 3.5's module knows nothing of the pages after
it. Nor does any module put itself under another name in sys.modules.

The imports are parsed, not run: one inside a function counts too (it runs sooner or later).
"""

import ast
from pathlib import Path

CODE = Path(__file__).resolve().parent.parent / "code"
STAGE_OF = {p.stem: int(p.parent.name[-1]) for p in CODE.glob("stage-0*/*.py")}  # module: stage
LATER_PAGES = {"cli", "checkpoint", "memory", "compare", "training_dynamics", "defaults", "bench",
               "bench_memory", "mistakes", "options"}


def imports(source: str) -> set[str]:
    """The book's modules that the source imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(STAGE_OF)


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph, as a path that ends where it starts, or [] when there is none."""
    state, path = {}, []

    def visit(node):
        state[node], path[len(path):] = "open", [node]
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        state[node] = "done"
        path.pop()
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def book_files():
    return sorted(p for p in CODE.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_stage_imports_a_later_stage():
    wrong = [f"{path.relative_to(CODE)} imports {name} (stage {STAGE_OF[name]})"
             for path in book_files()
             for name in imports(path.read_text(encoding="utf-8"))
             if STAGE_OF[name] > int(path.relative_to(CODE).parts[0][-1])]
    assert not wrong, "\n".join(wrong)


def test_the_book_s_modules_import_each_other_without_a_cycle():
    graph = {p.stem: imports(p.read_text(encoding="utf-8")) - {p.stem} for p in book_files()
             if "tests" not in p.parts and "exercises" not in p.parts}
    assert graph["cli"] >= {"neural_lm", "checkpoint", "lm", "options"}  # real edges are seen
    assert not cycle(graph), " -> ".join(cycle(graph))


def test_no_module_registers_itself_under_another_name():
    aliasing = [p.relative_to(CODE) for p in book_files()
                if "sys.modules[" in p.read_text(encoding="utf-8")
                and "= sys.modules" in p.read_text(encoding="utf-8")]
    assert not aliasing, aliasing


def test_chapter_3_5_knows_nothing_of_the_pages_after_it():
    source = (CODE / "stage-03" / "neural_lm.py").read_text(encoding="utf-8")
    assert not imports(source) & LATER_PAGES, imports(source) & LATER_PAGES


def test_the_parse_and_the_cycle_finder_themselves():
    source = ("import numpy\nfrom corpora import Windows\n\ndef f():\n    import compare\n\n"
              "if __name__ == '__main__':\n    import cli\n")
    assert imports(source) == {"corpora", "compare", "cli"}  # a __main__ block counts too
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": {"c"}, "c": set(), "d": {"a", "c"}}) == []


def test_no_module_of_the_book_shadows_or_is_shadowed_by_another():
    """The stage folders are put on the path of the whole virtual environment, so the book's
    plain module names (`tensor`, `cli`, `memory`, ...) must not be the names of a standard
    module or of a top-level module an installed package provides. (Chosen over one package
    namespace: the chapters import `from tensor import Tensor` as the reader writes it.)"""
    import importlib.metadata
    import sys

    installed = set(importlib.metadata.packages_distributions())
    tools = {p.stem for p in (CODE.parent / "tools").glob("*.py")}
    clashes = sorted(name for name in set(STAGE_OF) | tools
                     if name in sys.stdlib_module_names or name in installed)
    assert not clashes, f"module names also taken elsewhere: {clashes}"


def lines_of_code(source: str) -> int:
    """Lines that are not blank and not entangled's `# ~/~` markers (docstrings count)."""
    return sum(1 for line in source.splitlines()
               if line.strip() and not line.lstrip().startswith("# ~/~"))


def test_the_reference_model_is_read_in_one_sitting():
    source = (CODE / "stage-03" / "neural_lm.py").read_text(encoding="utf-8")
    assert lines_of_code(source) <= 300, f"neural_lm.py has {lines_of_code(source)} lines of code"
    assert lines_of_code("x = 1\n\n    # ~/~ begin <<a.md#b>>[init]\n# note\n") == 2
