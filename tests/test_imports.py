"""The book's modules import each other in one direction: a stage only from itself and earlier
stages, Stage 3 without a cycle, and chapter 3.5's module knows nothing of the pages after it.

The imports are parsed, not run: one inside a function counts too (it runs sooner or later).
Only a program's hand-over to the command line, its `if __name__ == "__main__":` block, is left
out: that is where neural_lm.py and compare.py pass control to cli.py.
"""

import ast
from pathlib import Path

CODE = Path(__file__).resolve().parent.parent / "code"
STAGE_OF = {p.stem: int(p.parent.name[-1]) for p in CODE.glob("stage-0*/*.py")}  # module: stage
LATER_PAGES = {"cli", "checkpoint", "memory", "compare", "training_dynamics", "defaults", "bench",
               "bench_memory", "mistakes"}


def is_main_block(node: ast.stmt) -> bool:
    test = getattr(node, "test", None)
    return (isinstance(node, ast.If) and isinstance(test, ast.Compare)
            and isinstance(test.left, ast.Name) and test.left.id == "__name__")


def imports(source: str, main_block: bool = False) -> set[str]:
    """The book's modules that the source imports: outside its __main__ block, or only in it."""
    tree = ast.parse(source)
    parts = [n for n in tree.body if is_main_block(n) == main_block]
    found = set()
    for node in (inner for part in parts for inner in ast.walk(part)):
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


def test_the_stage_3_modules_import_each_other_without_a_cycle():
    graph = {p.stem: imports(p.read_text(encoding="utf-8")) - {p.stem}
             for p in sorted(CODE.glob("stage-03/*.py"))}
    assert graph["cli"] >= {"neural_lm", "checkpoint", "lm"}   # the parse sees real edges
    assert not cycle(graph), " -> ".join(cycle(graph))


def test_chapter_3_5_knows_nothing_of_the_pages_after_it():
    source = (CODE / "stage-03" / "neural_lm.py").read_text(encoding="utf-8")
    assert not imports(source) & LATER_PAGES, imports(source) & LATER_PAGES
    assert imports(source, main_block=True) == {"cli"}      # run as a program, it hands over


def test_the_parse_and_the_cycle_finder_themselves():
    source = ("import numpy\nfrom corpora import Windows\n\ndef f():\n    import compare\n\n"
              "if __name__ == '__main__':\n    import cli\n")
    assert imports(source) == {"corpora", "compare"}
    assert imports(source, main_block=True) == {"cli"}
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": {"c"}, "c": set(), "d": {"a", "c"}}) == []
