"""The book's plotting style, found from this file wherever the caller runs.

The chapters' executed blocks are drawn in tools/book.mplstyle (tools/run_blocks.py applies it to
each of them). A lab, or a reader's notebook, applies it with

    import book_style
    book_style.use()

which works from any folder: Jupyter runs a notebook in the notebook's own folder, where a path
relative to the repository root names nothing. tools/ is importable in the book's environment
(tools/install_paths.py).
"""

from pathlib import Path

STYLE = Path(__file__).resolve().with_name("book.mplstyle")


def use() -> None:
    """Draw the figures from now on in the book's style."""
    import matplotlib.pyplot as plt

    plt.style.use(STYLE)
