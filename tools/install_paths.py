"""Make the stage folders importable in the project's virtual environment.

The stage folders (code/stage-01, code/stage-02, code/stage-03) have hyphens in their names, so
they cannot be packages. This writes one `.pth` file into the venv's site-packages that lists
them (and tools/, home of the site's Markdown extensions); afterwards `import ngram`,
`import value`, `import tensor` and `import neural_lm` work in tests, labs, the site build and
`python code/stage-03/cli.py` alike. It is the one place
that knows the layout (see BOOK.md: no sys.path edits in individual files).

The folders are written *relative to site-packages* (Python's `site` module reads a relative
line of a `.pth` file that way), so a checkout that is copied or moved together with its
`.venv` imports its own code, never the original's.
"""

import os
import site
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = [ROOT / "code" / f"stage-0{n}" for n in (1, 2, 3)]  # listed even before they exist
FOLDERS = [*STAGES, ROOT / "tools"]  # tools: the site's Markdown extensions
PTH = "neural_lm_book.pth"


def main() -> None:
    if sys.prefix == sys.base_prefix:
        sys.exit("install_paths.py must run with the virtual environment's python")
    packages = Path(site.getsitepackages()[0])
    lines = [os.path.relpath(folder, packages) for folder in FOLDERS]
    (packages / PTH).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    print(f"importable via {PTH}: {', '.join(p.name for p in FOLDERS)}")


if __name__ == "__main__":
    main()
