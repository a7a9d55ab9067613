"""tools/fences.py, the one reader of the chapters' fences (the site hook and the tests use it)."""

import fences
import pytest


def one(text: str) -> fences.Fence:
    (fence,) = fences.parse(text)
    return fence


def test_classes_ids_and_a_file():
    fence = one("``` {.python #model-config file=code/stage-03/x.py}\nx = 1\n```")
    assert fence.classes == ["python"]
    assert fence.ids == ["model-config"]
    assert fence.attrs == {"file": "code/stage-03/x.py"}
    assert fence.body == ["x = 1"] and fence.source == "x = 1"
    assert (fence.start, fence.end, fence.closed) == (0, 2, True)


def test_quoted_attributes_keep_their_spaces_and_braces():
    fence = one('``` {.python .run caption="Loss by step: {train, valid} = 2" echo=false}\nx\n```')
    assert fence.classes == ["python", "run"]
    assert fence.attrs == {"caption": "Loss by step: {train, valid} = 2", "echo": "false"}
    assert one("``` {.python .run caption='quoted'}\n```").attrs == {"caption": "quoted"}
    assert one("```{ .python   .run  output = markdown }\n```").attrs == {"output": "markdown"}


@pytest.mark.parametrize("info, kind", [
    ("{.python file=code/stage-03/neural_lm.py}", "tangled"),
    ("{.python #name}", "tangled"),
    ("{.python .run}", "executed"),
    ("{.python .run output=markdown}", "executed"),
    ("python", "display"),
    ("bash", "display"),
    ("", "display"),
    ('python title="a wrong version"', "display"),
    ("{.python}", "error"),          # looks tangled, is not
    ("{.py #x}", "error"),           # entangled knows only .python
    ("{python #x}", "error"),        # entangled reads a bare word as a class; we refuse it
    ("{.run}", "error"),             # not Python
    ("{.python #x .run}", "error"),  # tangled and executed at once
])
def test_kinds(info, kind):
    assert one(f"```{info}\nx\n```").kind == kind


def test_display_only_fences_have_a_language():
    fence = one("```python\nprint('shown, never run')\n```")
    assert (fence.braced, fence.language, fence.kind) == (False, "python", "display")
    assert one("``` {.python #x}\n```").language == "python"


def test_a_fence_inside_an_admonition():
    text = "!!! note\n\n    ``` {.python .run}\n    def f():\n        return 1\n    ```\n\ntext"
    fence = one(text)
    assert fence.indent == "    " and (fence.start, fence.end) == (2, 5)
    assert fence.source == "def f():\n    return 1"


def test_only_the_same_marker_at_the_same_indentation_closes():
    text = "``` {.python #x}\ns = '''\n    ```\n'''\n```"
    fence = one(text)
    assert fence.body == ["s = '''", "    ```", "'''"]
    four = one("````markdown\n``` {.python #example}\nx = 1\n```\n````")
    assert four.kind == "display" and four.body[0] == "``` {.python #example}"


def test_a_braced_fence_shown_inside_another_is_reported():
    # text on the page, but entangled (which sees only ``` fences) would tangle it
    fence = one("````markdown\n``` {.python #example}\nx = 1\n```\n````")
    assert fence.nested == [1]
    assert one("~~~text\n```python\n```\n~~~").nested == []


def test_tilde_fences():
    first, second = fences.parse("~~~ {.python .run}\nprint(1)\n~~~\n\n```bash\nmake\n```")
    assert first.kind == "executed" and first.body == ["print(1)"]
    assert second.language == "bash"


def test_fences_that_never_close():
    fence = one("text\n\n``` {.python .run}\nprint(1)\n")
    assert not fence.closed and fence.body == ["print(1)", ""]
    text = "!!! note\n    ``` {.python #x}\n    x = 1\nout\n```python\ny\n```"
    inside, after = fences.parse(text)
    assert not inside.closed and inside.body == ["    x = 1"]  # the admonition ended first
    assert after.closed and after.language == "python"


def test_not_fences():
    assert fences.parse("text with ``` inline\n`` two ``\n    indented code\n") == []
    assert fences.parse("``` a`b\n") == []  # a backtick in the info string: inline code


def test_line_numbers_follow_the_text():
    text = "a\n\n``` {.python #a}\n1\n```\n\nb\n\n``` {.python .run}\n2\n```\n"
    assert [(f.start, f.end) for f in fences.parse(text)] == [(2, 4), (8, 10)]
    assert fences.parse(text) == fences.parse(text.split("\n"))
