"""Run the executed blocks of one page in a fresh Python process, for the site hook.

    python tools/run_blocks.py < request.json > result.json

The request names the page, the folder to run in (the repository root) and the page's blocks in
order, each with its source, its attributes and its line in the chapter:

    {"page": "stage-03/x.md", "root": "/path/to/book",
     "blocks": [{"source": "print(1)", "attrs": {"output": "markdown"}, "line": 12}, ...]}

The blocks share one namespace and run in order. The result is each block's output as Markdown
(printed text, as a text block or, with `output=markdown`, as Markdown; the figures it leaves
open in matplotlib as PNG images captioned with `caption="..."`):

    {"outputs": ["...", ...]}
or, when a block fails, which block and the last lines of its traceback:

    {"error": {"block": 2, "line": 40, "message": "Traceback ...\\nZeroDivisionError: ..."}}

A fresh process per page imports the code under code/ as it is now: a long-lived `mkdocs serve`
would otherwise run an edited chapter against the modules it imported before the edit.
Anything the blocks write to the process's stdout outside a block's capture (a subprocess they
start, say) goes to stderr, which the site build shows, so that only the result is on stdout.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import json
import linecache
import os
import sys
import traceback
from pathlib import Path


class BlockError(Exception):
    """A block broke a rule of executed blocks (not an exception of its own code)."""


DPI = 110  # pixels per inch of the PNG images (the book's style, tools/book.mplstyle)
STYLE = Path(__file__).with_name("book.mplstyle")


def smallest_text_px(fig) -> float:
    """The height in pixels, in the saved image, of the smallest visible text of a figure
    (font size in points * DPI / 72); the browser test checks it as displayed."""
    from matplotlib.text import Text

    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    sizes = [t.get_fontsize() for t in texts]
    return min(sizes, default=float("nan")) * DPI / 72


def figures_as_markdown(caption: str) -> str:
    """The figures open in matplotlib as captioned PNG images; closes them all."""
    if "matplotlib.pyplot" not in sys.modules:
        return ""  # nothing imported pyplot, so nothing can have drawn
    import matplotlib.pyplot as plt

    if plt.get_fignums() and not caption:
        plt.close("all")
        raise BlockError('it draws a figure but has no caption="..." (its alt text too)')
    parts = []
    for number in plt.get_fignums():
        fig = plt.figure(number)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
        data = base64.b64encode(buffer.getvalue()).decode()
        alt = html.escape(caption, quote=True)
        figcaption = f"<figcaption>{html.escape(caption)}</figcaption>"
        parts.append(
            f'<figure class="run-figure"><img alt="{alt}" src="data:image/png;base64,{data}"'
            f' data-min-text-px="{smallest_text_px(fig):.1f}">{figcaption}</figure>'
        )
    plt.close("all")
    return "\n\n".join(parts)


def block_output(printed: str, attrs: dict[str, str]) -> list[str]:
    if not printed.strip():
        return []
    if attrs.get("output") == "markdown":
        return [printed.strip()]
    return ["``` {.text .run-output}\n" + printed.rstrip() + "\n```"]


def run_page(page: str, blocks: list[dict]) -> dict:
    """Execute the blocks in one namespace, in order; the result as described above."""
    namespace: dict = {"__name__": f"__page__{page}"}
    outputs = []
    for number, block in enumerate(blocks, start=1):
        source, attrs = block["source"], block.get("attrs", {})
        filename = f"<{page}: run block {number}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        stdout = io.StringIO()
        try:
            with contextlib.redirect_stdout(stdout):
                exec(compile(source, filename, "exec"), namespace)
            parts = block_output(stdout.getvalue(), attrs)
            figures = figures_as_markdown(attrs.get("caption", ""))
        except KeyboardInterrupt:
            raise
        except BlockError as error:
            return {"error": {"block": number, "line": block.get("line"), "message": str(error)}}
        except BaseException as error:  # SystemExit too: a block must not end the build quietly
            error.__traceback__ = error.__traceback__.tb_next  # from the block's frame on
            message = "".join(traceback.format_exception(error)[-6:]).rstrip()
            return {"error": {"block": number, "line": block.get("line"), "message": message}}
        outputs.append("\n\n".join(parts + ([figures] if figures else [])))
    return {"outputs": outputs}


def main() -> int:
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    result = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray output to stderr, not the result
    os.chdir(request["root"])
    sys.path[0] = request["root"]  # as for `python -m mkdocs` there; not tools/
    os.environ["MPLBACKEND"] = "Agg"  # no window, whatever the caller's setting
    os.environ["MATPLOTLIBRC"] = str(STYLE)  # the book's style, read when matplotlib is imported
    threads = int(os.environ.get("OPENBLAS_NUM_THREADS", "1"))
    os.environ["OPENBLAS_NUM_THREADS"] = str(threads)  # the thread rule obeys it, in children too
    import runtime  # code/stage-03, importable in the book's environment

    runtime.configure(threads=threads)  # one BLAS thread, as for the tests (and the allocator)
    with result:
        json.dump(run_page(request["page"], request["blocks"]), result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
