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


# --------------------------------------------------------------------------------------------
# fences.problems: what tools/tangle.py refuses before entangled sees a chapter

WRITES = "``` {.python file=code/x.py}\n<<body>>\n```\n\n"  # a tangled file including #body


@pytest.mark.parametrize("text, line, words", [
    ("``` {.python file=code/x.py\nx = 1\n```\n", 1, ["brace"]),
    ("``` {.python file=code/x.py} # the model\nx = 1\n```\n", 1, ["brace"]),
    ("``` .python file=code/x.py\nx = 1\n```\n", 1, ["without braces"]),
    ("```python file=code/x.py\nx = 1\n```\n", 1, ["without braces"]),
    ("``` {.py file=code/x.py}\nx = 1\n```\n", 1, ["`.python`"]),
    ("``` {.foo .python file=code/x.py}\nx = 1\n```\n", 1, ["first class"]),
    ("``` {.python file='code/x.py'}\nx = 1\n```\n", 1, ["differently"]),
    ("``` {.python #1st file=code/x.py}\nx = 1\n```\n", 1, ["stops reading"]),
    ("``` {.python file=/tmp/x.py}\nx = 1\n```\n", 1, ["file=/tmp/x.py", "under code/"]),
    ("``` {.python file=../../x.py}\nx = 1\n```\n", 1, ["under code/"]),
    ("``` {.python file=code/../../x.py}\nx = 1\n```\n", 1, ["under code/"]),
    ("``` {.python file=docs/x.py}\nx = 1\n```\n", 1, ["under code/"]),
    ("~~~ {.python file=code/x.py}\nx = 1\n~~~\n", 1, ["three backticks"]),
    ("```` {.python file=code/x.py}\nx = 1\n````\n", 1, ["three backticks"]),
    ("``` {.python file=code/x.py}\nx = 1\n", 1, ["never closed"]),
    (WRITES + "``` {.python #a.b}\nx = 1\n```\n", 5, ["`#a.b`"]),
    ("``` {.python file=code/x.py}\nx = 1\n<<a.b>>\n```\n", 3, ["does not expand", "<<a.b>>"]),
    ("``` {.python file=code/x.py}\ns = '''\n~~~markdown\n'''\n```\n", 3, ["ignores"]),
    ("``` {.python file=code/x.py}\n<<nothing>>\n```\n", 2, ["names no block"]),
    (WRITES + "``` {.python #body}\nx = 1\n```\n\n``` {.python #spare}\ny = 2\n```\n", 9,
     ["never tangled", "spare"]),
    ("````markdown\n``` {.python file=code/x.py}\nx = 1\n```\n````\n", 2, ["real block"]),
    ("``` {.python}\nx = 1\n```\n", 1, ["neither"]),
    ("``` {.python #x .run}\nx = 1\n```\n", 1, ["not both"]),
    ("``` {.python file=code/x.py mode=abc}\nx = 1\n```\n", 1, ["`mode=`"]),
    ("``` {.python file=code/x.py}\n# the ~/~ end of it\n```\n", 2, ["marker"]),
])
def test_what_entangled_would_ignore_or_misread_is_refused_at_its_line(text, line, words):
    found = fences.problems({"docs/x.md": text})
    assert found, f"no problem found in {text!r}"
    assert found[0].startswith(f"docs/x.md:{line}: "), found
    assert all(word in found[0] for word in words), found[0]


def test_a_name_in_two_chapters_is_refused():
    one = WRITES + "``` {.python #body}\nx = 1\n```\n"
    found = fences.problems({"docs/a.md": one, "docs/b.md": "``` {.python #body}\ny = 2\n```\n"})
    assert found == ["docs/b.md:1: the name `body` is also used in docs/a.md:5; entangled would "
                     "join the two in the order it lists the files: rename one"]


def test_a_chapter_with_crlf_line_ends_reads_as_with_lf():
    text = WRITES + "``` {.python #body}\nx = 1\n```\n"
    assert fences.problems({"docs/a.md": text.replace("\n", "\r\n")}) == []
    assert fences.parse(text.replace("\n", "\r\n")) == fences.parse(text)


def test_well_formed_chapters_have_no_problem():
    chapter = (WRITES + "``` {.python #body}\n<<inner>>\n```\n\n``` {.python #inner}\nx = 1\n"
               "```\n\n```python\n<<shown, not tangled>>\n```\n\n"
               '``` {.python .run caption="{braces} are fine here"}\nprint(1)\n```\n')
    assert fences.problems({"docs/a.md": chapter}) == []


@pytest.mark.parametrize("inner", [
    ".python #name file=code/x.py", ".python file = \"code/a b.py\" #x", ".python file='x.py'",
    ".python #1x file=code/x.py", "python #x", ".python #a.b", ".py .python mode=0755",
    ".python #x key=\"a \\\" b\" .run",
])
def test_the_mirror_reads_braces_as_entangled_does(inner):
    from entangled.properties import Attribute, Class, Id, read_properties

    props = read_properties(inner)
    classes, ids, attrs, _ = fences.entangled_properties(inner)
    assert classes == [p.value for p in props if isinstance(p, Class)]
    assert ids == [p.value for p in props if isinstance(p, Id)]
    assert attrs == {p.key: p.value for p in reversed(props) if isinstance(p, Attribute)}
