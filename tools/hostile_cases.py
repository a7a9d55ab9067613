"""The failing tables of issues 13, 21 and 25: hostile requests, classified.

    make hostile                                        # all but the 200 MB corpus
    .venv/bin/python tools/hostile_cases.py [--root CHECKOUT] [--only WORD] [--skip-slow] [--tools]

The command-line cases (issue 13, items 4-8; issues 21 and 25, items "21.N" and "25.N" of their
command-line halves) each run `cli.py` (or `make`, or `sh -c` for what needs a shell: a closed
stream, a locale, a limit) in a fresh process, in a scratch folder, under an address-space limit
(so that a runaway allocation fails instead of filling the machine). The tool cases (issue 21's
tooling half, items "T21.N", `--tools` alone) are each what a reader does to a fresh clone of
the book (edits, then `make tangle`, `make stitch`, `make exercise`, ... as typed), or a value
given to make that tries to run a command. Each case is classified as

    clear      it did what the case expects: refused with one line on stderr and the expected
               exit status, warned, or worked; and every file the reader had is as it was
    traceback  a Python traceback, or a process killed by a signal it was not sent
    hang       no answer (or, for a stream, no first output) within the case's time limit
    lost       a file the reader made was replaced, changed, or lost (or a result not written)
    unclear    none of these, but not what the case expects (a wrong exit status, several lines
               of error, a silent nan, a missing warning)

--root runs the cases against another checkout (e.g. an export of an older commit): its code/
folders go first on PYTHONPATH. It exits with 1 unless every case is clear. It takes minutes
(the 200 MB corpus alone, about a minute) and prints its table; the tests of each case live in
code/stage-03/tests/test_cli.py, and tests/test_stitch.py runs the fast cases of issue 21.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import re
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
ADDRESS_SPACE = 8 * 2**30  # bytes of virtual memory each case may use
WORDS = ("anna", "bob", "carla", "dora", "emil", "frida", "gus", "hanna", "ida", "jon")


@dataclass
class Case:
    name: str
    item: int | str  # of issue 13; "21.1" is item 1 of issue 21
    argv: list  # with {placeholders} filled from the scratch folder's files
    status: int | None = 2  # the exit status a clear answer has (None: any, e.g. after a kill)
    timeout: float = 60.0
    warn: bool = False  # a clear answer warns on stderr
    keep: tuple = ()  # names of files that must be unchanged (bytes and mode) afterwards
    check: object = None  # (folder, proc) -> a problem or "", for what the rest cannot see
    lost_if: object = None  # (folder, proc) -> a loss or "", e.g. a replaced good checkpoint
    signal_after: tuple | None = None  # (signal, seconds after the first status line or output)
    stream: bool = False  # clear when stdout starts within the timeout (then it is stopped)
    slow: bool = False
    address_space: int = ADDRESS_SPACE  # bytes
    setup: object = None  # (folder) -> None, before the case runs
    alongside: tuple | None = None  # (argv, seconds): another run on the folder, started first


@dataclass
class Outcome:
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float
    timed_out: bool = False
    extra: dict = field(default_factory=dict)


# ---- the scratch folder ------------------------------------------------------------------------

def run_cli(root: Path, folder: Path, *args, check=True) -> subprocess.CompletedProcess:
    script = root / "code/stage-03/cli.py"
    proc = subprocess.run([sys.executable, str(script), *map(str, args)], cwd=folder,
                          env=environment(root), capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise RuntimeError(f"setup failed: {args}: {proc.stderr}")
    return proc


def environment(root: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        str(root / "code" / f"stage-0{n}") for n in (1, 2, 3)))
    env.pop("OPENBLAS_CORETYPE", None)
    return env


def make_files(root: Path, folder: Path) -> None:
    """The reader's files: corpora, notes, checkpoints (good, weak, of other data), crafted ones."""
    rng = np.random.default_rng(0)
    (folder / "words.txt").write_text("\n".join(rng.choice(WORDS, size=600)) + "\n")
    (folder / "other.txt").write_text("\n".join(rng.choice(WORDS[:4], size=600)) + "\n")
    (folder / "notes.txt").write_text("my notes, a day's work\n")
    (folder / "notes.txt").chmod(0o644)
    (folder / "unique.txt").write_text("".join(chr(0x4E00 + i) for i in range(400)) + "\n")
    (folder / "aaa.txt").write_text("a" * 4000 + "\n")
    (folder / "cjk.txt").write_text("".join(chr(0x4E00 + i) for i in range(30_000)) * 5)
    common = ["--lines", "--context", 3, "--hidden", 32, "--quiet"]
    for data, steps, out in (("words.txt", 400, "good"), ("words.txt", 3, "weak"),
                             ("other.txt", 400, "alien")):
        run_cli(root, folder, "train", "--data", data, *common, "--steps", steps, "--out",
                f"{out}.ckpt.npz")
    run_cli(root, folder, "train", "--data", "cjk.txt", "--no-lines", "--steps", 1,
            "--eval-every", 1, "--hidden", 64, "--quiet", "--out", "cjk.ckpt.npz")
    make_round_two(root, folder, common)
    (folder / "good.ckpt.npz").chmod(0o644)
    (folder / "weak.ckpt.npz").chmod(0o644)
    make_crafted(folder)
    if os.geteuid() == 0:
        os.mknod(folder / "null-device", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    else:
        os.mkfifo(folder / "null-device")


def make_round_two(root: Path, folder: Path, common: list) -> None:
    """Issue 21's files: text whose words all occur once, a model of non-ASCII text, and a
    checkpoint whose text was edited after its run (trained in a folder since removed)."""
    rng = np.random.default_rng(1)
    once = dict.fromkeys("".join(rng.choice(list("abcdefgh"), 9)) for _ in range(3000))
    (folder / "once.txt").write_text(" ".join(once) + "\n")
    (folder / "cafe.txt").write_text("café naïve\n" * 200)
    run_cli(root, folder, "train", "--data", "cafe.txt", *common, "--steps", 100, "--out",
            "cafe.ckpt.npz")
    gone = folder / "gone"
    gone.mkdir()
    (gone / "words.txt").write_text((folder / "other.txt").read_text())  # a words.txt, other bytes
    run_cli(root, gone, "train", "--data", "words.txt", *common, "--steps", 50, "--out",
            folder / "edited.ckpt.npz")
    shutil.rmtree(gone)


def rewrite(source: Path, target: Path, change) -> None:
    """A copy of the checkpoint source with change(meta, arrays) applied, written by numpy."""
    with np.load(source) as npz:
        arrays = dict(npz)
    meta = json.loads(arrays["__meta__"].tobytes())
    change(meta, arrays)
    arrays["__meta__"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(target, **arrays)


def make_crafted(folder: Path) -> None:
    good = folder / "good.ckpt.npz"

    def config(**changes):
        return lambda meta, arrays: meta["model_config"].update(changes)

    rewrite(good, folder / "huge.ckpt.npz", config(hidden=[1_000_000, 1_000_000]))
    rewrite(good, folder / "float-context.ckpt.npz", config(context=3.0))
    rewrite(good, folder / "seed-abc.ckpt.npz", config(seed="abc"))
    rewrite(good, folder / "data-string.ckpt.npz", lambda meta, arrays: meta.update(data="words"))
    rewrite(good, folder / "nan.ckpt.npz",
            lambda meta, arrays: arrays["output.bias"].__setitem__(0, np.nan))
    rewrite(good, folder / "pickled.ckpt.npz",
            lambda meta, arrays: arrays.update({"output.bias": np.array([{"a": 1}], dtype=object)}))
    np.savez(folder / "pickle-only.npz", x=np.array([{"a": 1}], dtype=object))
    claim_elements(good, folder / "claims.ckpt.npz", "hidden1.weight", 10**13)
    rewrite(good, folder / "huge-weight.ckpt.npz",
            lambda meta, arrays: arrays["output.bias"].__setitem__(0, 1e38))
    rewrite(good, folder / "vocab-null.ckpt.npz", lambda meta, arrays: meta.update(vocabulary=None))
    text = json.dumps(json.loads(np.load(good)["__meta__"].tobytes()))
    deep = text[:-1] + ', "x": ' + "[" * 200_000 + "]" * 200_000 + "}"
    with np.load(good) as npz:
        np.savez(folder / "deep.ckpt.npz", **{**dict(npz), "__meta__": np.frombuffer(
            deep.encode(), dtype=np.uint8)})


def claim_elements(source: Path, target: Path, member: str, count: int) -> None:
    """A copy of source whose member's .npy header claims `count` elements (data unchanged)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == member + ".npy":
                header = f"{{'descr': '<f4', 'fortran_order': False, 'shape': ({count},), }}"
                header = header.ljust(117) + "\n"
                data = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode()
            new.writestr(info, data)


def make_big_corpus(folder: Path, megabytes: int = 200) -> Path:
    """megabytes of Shakespeare, repeated: the 200 MB text file of item 6 (bench_memory's)."""
    sys.path[:0] = [str(ROOT / "code/stage-01"), str(ROOT / "code/stage-03")]
    import bench_memory

    return bench_memory.big_text(folder, megabytes)


# ---- checks after a run ------------------------------------------------------------------------

def snapshot(folder: Path, names) -> dict:
    out = {}
    for name in names:
        path = folder / name
        st = os.lstat(path)
        out[name] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode),
                     path.read_bytes() if stat.S_ISREG(st.st_mode) else None)
    return out


def kept_its_mode(folder: Path, proc) -> str:
    path = folder / "weak.ckpt.npz"
    if stat.S_IMODE(path.stat().st_mode) != 0o644:
        return f"the checkpoint's mode changed to {oct(stat.S_IMODE(path.stat().st_mode))}"
    return ""


def plot_written(folder: Path, proc) -> str:
    return "" if proc.returncode == 2 else "the run's table and plot are lost after the run"


def injected(folder: Path, proc) -> str:
    return "the injected command ran" if (folder / "INJECTED").exists() else ""


def greedy_output(root: Path):
    def check(folder, proc):
        greedy = run_cli(root, folder, "generate", "--checkpoint", "good.ckpt.npz", "--temperature",
                         0, "--length", 40)
        return "" if proc.stdout == greedy.stdout else "not the greedy text"
    return check


def small_peak(limit_mb: float):
    def check(folder, proc):
        return "" if proc.peak_mb <= limit_mb else f"peak memory {proc.peak_mb:.0f} MB"
    return check


def quick(seconds: float):
    def check(folder, proc):
        if proc.returncode == 0:
            return ""
        return "" if proc.seconds <= seconds else f"refused only after {proc.seconds:.1f} s"
    return check


def valid_loss(path: Path) -> float:
    with np.load(path) as npz:
        return json.loads(npz["__meta__"].tobytes())["metrics"]["valid_loss"]


def kept_the_better(folder: Path, proc) -> str:
    """race.ckpt.npz holds the case's own run's best (the quick, better one), not the worse
    run's that went on beside it."""
    best = re.search(r"best validation loss ([\d.]+) nats", proc.stdout)
    if not best:
        return "the quick run said no best"
    kept = valid_loss(folder / "race.ckpt.npz")
    if kept > float(best[1]) + 1e-4:
        return f"race.ckpt.npz holds a worse run's {kept:.4f}; the quick run's {best[1]} is lost"
    return ""


def said(*words, absent=()):
    """A check: each of the words in what the run wrote (stdout and stderr), none of `absent`."""
    def check(folder, proc):
        text = proc.stdout + proc.stderr
        wrong = [w for w in words if w not in text] + [w for w in absent if w in text]
        return f"the output lacks or has {wrong}" if wrong else ""
    return check


def scored_its_own_text(folder: Path, proc) -> str:
    """evaluate found the checkpoint's text where it was trained, not the words.txt here."""
    if str(folder) in proc.stdout or "from the checkpoint" not in proc.stdout:
        return "scored the words.txt of the folder it ran in"
    return ""


def exists(name: str, wanted: bool = True):
    def check(folder, proc):
        return "" if (folder / name).exists() == wanted else \
            f"{name} {'missing' if wanted else 'made'}"
    return check


def orphan_of_a_killed_save(folder: Path) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    (folder / f"good.ckpt.npz.{gone.pid}.abcdefgh.tmp").write_bytes(b"\0" * 4096)


def orphan_removed(folder: Path, proc) -> str:
    left = list(folder.glob("good.ckpt.npz.*.tmp"))
    return f"left {left[0].name}" if left else ""


def words_elsewhere(folder: Path) -> None:
    (folder / "words.txt").write_text("zzz\nyyy\n" * 300)  # same name, another text


def link_to_weak(folder: Path) -> None:
    (folder / "link.ckpt.npz").symlink_to("weak.ckpt.npz")


def link_kept(folder: Path, proc) -> str:
    return "" if (folder / "link.ckpt.npz").is_symlink() else "the link was replaced by a file"


def validated_often(folder: Path, proc) -> str:
    """A time-budget run validated several times: steps / eval-every >= 3."""
    every = re.search(r"(?:validation every |eval_every=)([\d,]+)", proc.stderr)
    steps = re.search(r"([\d,]+) steps in", proc.stdout)
    if not (every and steps):
        return "no header or last line"
    n = int(steps[1].replace(",", "")) / int(every[1].replace(",", ""))
    return "" if n >= 3 else f"validated {n:.1f} times"


# ---- the cases ---------------------------------------------------------------------------------

def cases(root: Path) -> list[Case]:
    train = ["train", "--data", "words.txt", "--lines", "--context", 3, "--hidden", 16, "--quiet"]
    short = [*train, "--steps", 20]
    gen, ev = ["generate", "--checkpoint"], ["evaluate", "--checkpoint"]
    compare = ["compare", "--data", "names", "--max-chars", 20_000, "--time-budget", 2,
               "--max-order", 3, "--hidden", 16]
    good = ("good.ckpt.npz",)
    return [
        # item 4: --out replaces anything
        Case("--out a device node", 4, [*short, "--out", "null-device"], keep=("null-device",)),
        Case("--out the training data", 4, [*short, "--out", "words.txt"], keep=("words.txt",)),
        Case("--out the data, other spelling", 4, [*short, "--out", "./sub/../words.txt"],
             keep=("words.txt",)),
        Case("--out an unrelated file", 4, [*short, "--out", "notes.txt"], keep=("notes.txt",)),
        Case("--out an unrelated file --overwrite", 4,
             [*short, "--out", "notes.txt", "--overwrite"], keep=("notes.txt",)),
        Case("--out under a regular file", 4, [*short, "--out", "notes.txt/m.ckpt.npz"],
             keep=("notes.txt",)),
        Case("a replaced checkpoint keeps its mode", 4, [*train, "--steps", 400, "--out",
             "weak.ckpt.npz"], status=0, lost_if=kept_its_mode),
        # item 5: the previous good checkpoint
        Case("diverging run over a good checkpoint", 5, [*train, "--steps", 50, "--optimiser",
             "sgd", "--lr", "1e6", "--activation", "relu", "--eval-every", 1, "--out",
             "good.ckpt.npz"], status=1,
             keep=good),
        Case("worse run over a good checkpoint", 5,
             [*train, "--steps", 1, "--out", "good.ckpt.npz"], status=0, keep=good),
        Case("run killed over a good checkpoint", 5, [*train[:-1], "--time-budget", 30, "--lr",
             "1e-4", "--out", "good.ckpt.npz"], status=None, keep=good,
             signal_after=(signal.SIGKILL, 0.5)),
        Case("run interrupted over a good checkpoint", 5, [*train[:-1], "--time-budget", 30,
             "--lr", "1e-4", "--out", "good.ckpt.npz"], status=130, keep=good,
             signal_after=(signal.SIGINT, 0.2)),
        Case("run on other data over a checkpoint", 5, [*train, "--steps", 400, "--out",
             "alien.ckpt.npz"], status=0, keep=("alien.ckpt.npz",)),
        Case("worse run --overwrite replaces", 5, [*train, "--steps", 1, "--out", "good.ckpt.npz",
             "--overwrite"], status=0),
        # item 6: bounded memory
        Case("a 200 MB text file", 6, ["train", "--data", "big.txt", "--steps", 10, "--quiet",
             "--out", "big.ckpt.npz"], status=None, timeout=900, check=quick(3.0), slow=True),
        Case("a 200 MB text file, 1 GB of memory", 6, ["train", "--data", "big.txt", "--steps",
             10, "--quiet", "--out", "big.ckpt.npz"], status=1, timeout=900, check=quick(3.0),
             slow=True, address_space=2**30),
        # item 7: impossible requests
        Case("--batch-size 10000000", 7, [*short, "--batch-size", 10_000_000, "--out", "m.npz"]),
        Case("--context 30000", 7, ["train", "--data", "words.txt", "--lines", "--context", 30_000,
             "--steps", 2, "--quiet", "--out", "m.npz"]),
        Case("--hidden 50000 50000", 7, [*short, "--hidden", 50_000, 50_000, "--out", "m.npz"]),
        Case("--embedding 10000000", 7, [*short, "--embedding", 10_000_000, "--out", "m.npz"]),
        Case("evaluate, 30,000 symbols", 7, [*ev, "cjk.ckpt.npz"], status=0, timeout=300,
             check=small_peak(1000)),
        Case("checkpoint claims huge shapes", 7, [*ev, "huge.ckpt.npz"], status=1),
        Case("checkpoint .npy header claims 1e13", 7, [*ev, "claims.ckpt.npz"], status=1),
        # item 8: the rest of the table
        Case("train --seed -1", 8, [*short, "--seed", -1, "--out", "m.npz"]),
        Case("train --split-seed -7", 8, [*short, "--split-seed", -7, "--out", "m.npz"]),
        Case("evaluate --split-seed -7", 8, [*ev, "good.ckpt.npz", "--split-seed", -7]),
        Case("generate --seed -1", 8, [*gen, "good.ckpt.npz", "--seed", -1]),
        Case("compare --seed -1", 8, [*compare, "--seed", -1]),
        Case("train --time-budget inf", 8, [*train, "--time-budget", "inf", "--out", "m.npz"],
             timeout=20),
        Case("compare --time-budget inf", 8, [*compare[:-4], "--time-budget", "inf"], timeout=60),
        Case("train --weight-decay inf", 8, [*short, "--weight-decay", "inf", "--out", "m.npz"]),
        Case("generate --length 10000000", 8, [*gen, "good.ckpt.npz", "--length", 10_000_000],
             status=None, timeout=10, stream=True),
        Case("generate --temperature 1e-320", 8, [*gen, "good.ckpt.npz", "--temperature", "1e-320",
             "--length", 40], status=0, check=greedy_output(root)),
        Case("checkpoint context 3.0", 8, [*ev, "float-context.ckpt.npz"], status=1),
        Case("checkpoint seed 'abc'", 8, [*gen, "seed-abc.ckpt.npz"], status=1),
        Case("checkpoint data a string", 8, [*gen, "data-string.ckpt.npz"], status=1),
        Case("checkpoint with a nan weight", 8, [*ev, "nan.ckpt.npz"], status=1),
        Case("checkpoint with a pickled array", 8, [*ev, "pickled.ckpt.npz"], status=1),
        Case(".npz of pickles only", 8, [*ev, "pickle-only.npz"], status=1),
        Case("compare --plot into a missing folder", 8, [*compare, "--plot", "no/such/map.png"],
             timeout=120, lost_if=plot_written),
        Case("make exercise N='3; touch X'", 8, ["make", "-s", "-C", str(root), "exercise",
             "N=3; touch {folder}/INJECTED"], status=2, lost_if=injected),
        Case("evaluate --split-seed 5 (trained on 0)", 8, [*ev, "good.ckpt.npz", "--split-seed", 5],
             status=0, warn=True),
        Case("a two-symbol vocabulary", 8, ["train", "--data", "unique.txt", "--steps", 30,
             "--quiet", "--context", 3, "--hidden", 8, "--out", "u.npz"], status=0, warn=True),
        Case("a one-symbol text", 8, ["train", "--data", "aaa.txt", "--steps", 30, "--quiet",
             "--context", 3, "--hidden", 8, "--out", "a.npz"], status=0, warn=True),
        # already handled before: kept as a regression check
        Case("train --lr inf", 8, [*short, "--lr", "inf", "--out", "m.npz"]),
        Case("train --momentum nan", 8, [*short, "--momentum", "nan", "--out", "m.npz"]),
        Case("generate --temperature nan", 8, [*gen, "good.ckpt.npz", "--temperature", "nan"]),
        Case("generate --top-k 0", 8, [*gen, "good.ckpt.npz", "--top-k", 0]),
        Case("evaluate --checkpoint /dev/null", 8, [*ev, "/dev/null"], status=1),
        Case("evaluate --checkpoint a text file", 8, [*ev, "notes.txt"], status=1,
             keep=("notes.txt",)),
        *round_two(train, short, gen, ev, compare),
    ]


def round_two(train, short, gen, ev, compare) -> list[Case]:
    """Issues 21 and 25 (their command-line items)."""
    sh, quick_fail = ["sh", "-c"], quick(3.0)
    cli = "{python} {cli}"
    return [
        # 21.1: two runs on one --out, the worse started first, each judging at every save
        Case("two runs on one --out", "21.1", [*train, "--steps", 400, "--out", "race.ckpt.npz"],
             status=0, timeout=60, lost_if=kept_the_better, alongside=(
                 [*train, "--time-budget", 6, "--lr", "1e-5", "--eval-every", 20, "--out",
                  "race.ckpt.npz"], 1.5)),
        # 21.2: every option checked before any work
        Case("compare --temperature nan", "21.2", [*compare, "--temperature", "nan"],
             check=quick_fail),
        Case("compare --temperature inf", "21.2", [*compare, "--temperature", "inf"],
             check=quick_fail),
        Case("generate --temperature inf", "21.2", [*gen, "missing.ckpt.npz", "--temperature",
             "inf"]),
        Case("generate --length -1", "21.2", [*gen, "missing.ckpt.npz", "--length", -1]),
        Case("evaluate --min-count 2", "21.2", [*ev, "missing.ckpt.npz", "--min-count", 2]),
        Case("train --min-count 0", "21.2", [*short, "--min-count", 0, "--out", "m.npz"]),
        Case("compare --min-count -1", "21.2", [*compare, "--min-count", -1], check=quick_fail),
        Case("compare --max-chars 0", "21.2", [*compare[:3], "--max-chars", 0], check=quick_fail),
        Case("compare --seeds 10**20", "21.2", [*compare, "--seeds", 10**20], check=quick_fail),
        Case("compare --curves > --steps", "25.12", ["compare", "--data", "names", "--steps", 10,
             "--curves", 1_000_000_000], check=quick_fail),
        # 21.3: killed saves, and signals outside training
        Case("a killed save's temporary file", "21.3", [*short, "--out", "good.ckpt.npz"],
             status=0, setup=orphan_of_a_killed_save, lost_if=orphan_removed),
        Case("generate stopped by SIGTERM", "21.3", [*gen, "good.ckpt.npz", "--length",
             10_000_000], status=128 + signal.SIGTERM, signal_after=(signal.SIGTERM, 0.3),
             check=said("stopped by SIGTERM")),
        Case("compare stopped by SIGHUP", "21.3", [*compare[:-4], "--time-budget", 30],
             status=128 + signal.SIGHUP, signal_after=(signal.SIGHUP, 0.2),
             check=said("stopped by SIGHUP")),
        # 21.4: evaluate's text, found by its bytes
        Case("evaluate beside another words.txt", "21.4", [*ev, "good.ckpt.npz"], status=0,
             setup=words_elsewhere, check=scored_its_own_text),
        Case("evaluate, its text edited since", "21.4", [*ev, "edited.ckpt.npz"], status=1),
        Case("train --data ./words.txt over words.txt", "21.4", [*train[:2], "./words.txt",
             *train[3:], "--steps", 1, "--out", "good.ckpt.npz"], status=0, keep=("good.ckpt.npz",),
             check=said("on the same data")),
        # 21.5: results that are not numbers, and absurd settings
        Case("train --embedding-scale 1e30", "21.5", [*short, "--embedding-scale", "1e30",
             "--out", "m.npz"]),
        Case("evaluate --json, a weight of 1e38", "21.5", [*ev, "huge-weight.ckpt.npz", "--json"],
             status=1),
        Case("generate, a weight of 1e38", "21.5", [*gen, "huge-weight.ckpt.npz"], status=1),
        Case("a run that learns nothing", "21.5", [*train, "--steps", 5, "--embedding-scale", 100,
             "--optimiser", "sgd", "--lr", "1e-6", "--out", "m.npz"], status=0, warn=True,
             check=said("uniform guess", "hardly learned")),
        # 21.6: compare warns as train does, in words
        Case("compare, words that occur once", "21.6", ["compare", "--data", "once.txt",
             "--tokens", "words", "--steps", 20, "--max-order", 2, "--hidden", 8], status=0,
             warn=True, check=said("every word of the training split")),
        # 21.7: one line instead of a traceback
        Case("checkpoint nested 200,000 deep", "21.7", [*ev, "deep.ckpt.npz"], status=1),
        Case("checkpoint vocabulary null", "21.7", [*gen, "vocab-null.ckpt.npz"], status=1),
        Case("generate, stdout closed", "21.7", [*sh, f"{cli} generate --checkpoint "
             "good.ckpt.npz >&-"]),
        Case("train, stderr closed", "21.7", [*sh, f"{cli} train --data words.txt --lines "
             "--steps 5 --out m.npz 2>&-"], status=0),
        Case("LC_ALL=C, a non-ASCII prompt", "21.7", [*sh, f"LC_ALL=C LANG=C PYTHONUTF8=0 {cli} "
             "generate --checkpoint cafe.ckpt.npz --prompt café --length 5"], status=0,
             check=said("café")),
        Case("a Python outside .venv", "21.7", [*sh, "{python} -S {cli} train --help"], status=1,
             check=said("make install")),
        # 21.8: what failed, said; what --out names, kept
        Case("--out a name too long", "21.8", [*short, "--out", "x" * 245 + ".npz"]),
        Case("ulimit -f during a save", "21.8", [*sh, f"ulimit -f 4; {cli} train --data words.txt "
             "--lines --steps 5 --quiet --out big.ckpt.npz"], status=1, check=said("ulimit -f")),
        Case("a deleted working directory", "21.8", [*sh, f"mkdir d && cd d && rmdir ../d && "
             f"{cli} train --data {{folder}}/words.txt --lines --steps 5"],
             check=said("deleted")),
        Case("--out a symbolic link", "21.8", [*train, "--steps", 400, "--out", "link.ckpt.npz"],
             status=0, setup=link_to_weak, lost_if=link_kept),
        Case("--out newdir/", "21.8", [*short, "--out", "newdir/"], check=exists("newdir", False)),
        Case("--data ''", "21.8", ["train", "--data", ""], check=said("empty path")),
        Case("--threads 10000", "21.8", [*short, "--threads", 10_000, "--out", "m.npz"],
             check=said("cores")),
        Case("OPENBLAS_NUM_THREADS=100000", "21.8", [*sh, "OPENBLAS_NUM_THREADS=100000 "
             f"{cli} train --data words.txt --lines --steps 5 --quiet --out m.npz"], status=0,
             warn=True, check=said("cores")),
        Case("--weight-decay 1e30", "21.8", [*short, "--weight-decay", "1e30", "--out", "m.npz"],
             check=said("--weight-decay", absent=("smaller --lr",))),
        # 25: the learner's workbench
        Case("status line and last line", "25.10", [*train[:-1], "--steps", 300, "--out",
             "m.npz"], status=0, check=said("bits/char", "at step", "the network")),
        Case("a time budget is validated often", "25.10", ["train", "--data", "words.txt",
             "--lines", "--time-budget", 4, "--out", "m.npz"], status=0, check=validated_often),
        Case("words go to X-words.ckpt.npz", "25.11", ["train", "--data", "words.txt",
             "--tokens", "words", "--min-count", 1, "--steps", 5, "--quiet"], status=0,
             check=exists("runs/words-words.ckpt.npz")),
        Case("other data: what differs", "25.11", [*train, "--steps", 5, "--data", "other.txt",
             "--out", "good.ckpt.npz"], status=0, keep=("good.ckpt.npz",),
             check=said("the text")),
        Case("a readable header", "25.12", [*train[:-1], "--steps", 5, "--out", "m.npz"],
             status=0, check=said("model:", absent=("Config(",))),
    ]


# ---- running and classifying -------------------------------------------------------------------

def launch(root: Path, folder: Path, case: Case) -> Outcome:
    script = root / "code/stage-03/cli.py"
    args = [a.format(folder=folder, python=sys.executable, cli=script) if isinstance(a, str)
            else str(a) for a in case.argv]
    if args[0] not in ("make", "sh"):
        args = [sys.executable, str(script), *args]
    out, err = folder / "stdout.txt", folder / "stderr.txt"
    start = time.monotonic()
    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (case.address_space, case.address_space))

    with out.open("w") as o, err.open("w") as e:
        proc = subprocess.Popen(args, cwd=folder, env=environment(root), stdout=o, stderr=e,
                                preexec_fn=limit_memory, start_new_session=True)
    returncode, usage, timed_out, sent = wait(proc, case, out, err, start)
    return Outcome(returncode, out.read_text(errors="replace"), err.read_text(errors="replace"),
                   time.monotonic() - start, usage.ru_maxrss / 1024 if usage else 0.0, timed_out,
                   {"sent": sent})


def wait(proc, case: Case, out: Path, err: Path, start: float):
    """(exit status, resource usage, timed out, signal sent) of proc, watched as the case says."""
    sent, status_seen = None, None
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            return os.waitstatus_to_exitcode(status), usage, False, sent
        now = time.monotonic() - start
        if case.signal_after and sent is None:
            if status_seen is None and ("step" in err.read_text(errors="replace")
                                        or out.stat().st_size > 0):
                status_seen = now
            if status_seen is not None and now - status_seen >= case.signal_after[1]:
                sent = case.signal_after[0]
                os.kill(proc.pid, sent)
        if case.stream and out.stat().st_size > 0:
            os.killpg(proc.pid, signal.SIGKILL)
            os.wait4(proc.pid, 0)
            return None, None, False, "streamed"
        if now > case.timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            os.wait4(proc.pid, 0)
            return None, None, True, sent
        time.sleep(0.02)


def classify(case: Case, run: Outcome, before: dict, after: dict) -> tuple[str, str]:
    """(class, what was seen) of one run."""
    changed = [name for name in before if before[name] != after.get(name)]
    lost = ", ".join(f"{n} changed" for n in changed)
    lost = lost or (case.lost_if(run.folder, run) if case.lost_if else "")
    if lost:
        return "lost", lost
    if run.timed_out:
        return "hang", f"no answer in {case.timeout:.0f} s"
    if "Traceback" in run.stderr or (run.returncode or 0) < 0 and run.extra["sent"] is None:
        return "traceback", last_line(run.stderr) or f"killed ({run.returncode})"
    if case.stream:
        return ("clear", "streams") if run.extra["sent"] == "streamed" else ("unclear", "no output")
    return judge(case, run)


def judge(case: Case, run: Outcome) -> tuple[str, str]:
    lines = [line for line in run.stderr.strip().splitlines() if not line.startswith("make: ***")]
    problem = case.check(run.folder, run) if case.check else ""
    if "allow_pickle" in run.stderr or "unsafe" in run.stderr:
        problem = "suggests loading the file unsafely"
    if "--out /dev/" in run.stderr:
        problem = "suggests writing a checkpoint to a device"
    if case.status is not None and run.returncode != case.status:
        problem = f"exit {run.returncode}, expected {case.status}"
    elif run.returncode not in (0, None, -signal.SIGKILL, 130) and len(lines) != 1 \
            and not run.extra["sent"]:  # a signal's stop comes after the run's progress lines
        problem = f"{len(lines)} lines on stderr"
    elif case.warn and "warning" not in run.stderr:
        problem = "no warning"
    return ("unclear", problem) if problem else ("clear", last_line(run.stderr) or "ok")


def last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1][:150] if lines else ""


def start_alongside(root: Path, folder: Path, case: Case):
    """The case's other run, started its seconds before the case's own (or None)."""
    if not case.alongside:
        return None
    argv, seconds = case.alongside
    other = subprocess.Popen([sys.executable, str(root / "code/stage-03/cli.py"), *map(str, argv)],
                             cwd=folder, env=environment(root), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    time.sleep(seconds)
    return other


def run_case(root: Path, files: Path, case: Case) -> tuple[str, str, Outcome]:
    with tempfile.TemporaryDirectory(prefix="hostile-") as name:
        folder = Path(name)
        named = " ".join(map(str, case.argv)) + " good.ckpt.npz weak.ckpt.npz words.txt cjk.txt"
        for path in files.iterdir():
            if path.name not in named:
                continue
            if path.name == "big.txt":
                os.link(path, folder / path.name)  # 200 MB, only read
            elif stat.S_ISREG(os.lstat(path).st_mode):
                shutil.copy2(path, folder / path.name)
            else:  # the device node or fifo
                os.mknod(folder / path.name, os.lstat(path).st_mode, os.lstat(path).st_rdev)
        (folder / "sub").mkdir()
        if case.setup:
            case.setup(folder)
        before = snapshot(folder, case.keep)
        other = start_alongside(root, folder, case)
        run = launch(root, folder, case)
        if other:
            other.wait(timeout=case.timeout)
        run.folder = folder
        after = snapshot(folder, [n for n in case.keep if os.path.lexists(folder / n)])
        kind, seen = classify(case, run, before, after)
        return kind, seen, run


# ---- the book's own tools: tangle, stitch, make, the exercises (issue 21) -----------------------
#
# A BookCase is what a reader does to a fresh clone of the book (the checkout's HEAD, with its
# tools/ and Makefile as they are now): edits, then commands as typed, each with the answer a
# clear one gives. To add one, add a BookCase to a table below: its steps are edits (functions
# of the clone's folder, made with the helpers here) and Runs, in order.

@dataclass
class Run:
    argv: list  # "make ..." runs as `make -s` with the checkout's .venv; "{folder}": the clone
    status: object = 0  # 0; "refused": not 0, one line saying why; "failed": not 0; None: any
    says: str = ""  # what its output must hold
    signal_after: tuple | None = None  # (signal, seconds): sent to its process group, as Ctrl-C
    timeout: float = 120.0
    env: dict = field(default_factory=dict)  # set in its environment ("{folder}" filled in)


@dataclass
class BookCase:
    name: str
    item: str
    steps: list  # edits (the clone's folder -> None) and Runs
    lost_if: object = None  # folder -> what the reader made that is gone or changed, or ""
    end: object = None  # folder -> what is wrong with the state it ends in, or ""
    folder: str = "clone"  # or "makefile": the Makefile beside a stand-in .venv/bin/python
    fast: bool = False  # run by the tests too (tests/test_stitch.py)


CHAPTER, TANGLED = "docs/foundations/autograd.md", "code/stage-02/value.py"
LINE = "a plain number becomes a leaf Value."  # in block value-lift, in both files
OTHER = "(log of 0, 0 to a negative power)"  # in block value-domain-error, in both files
FENCE = "``` {.python file=code/stage-02/value.py}"
DOCSTRING = f'"""A Value stays itself; {LINE}"""'
STAND_IN = '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > "$(dirname "$0")/args"\n'


def make(*args, status=0, says="", **more) -> Run:
    return Run(["make", *args], status, says, **more)


def replace(rel: str, old: str | bytes, new: str | bytes):
    """An edit: the one occurrence of old (text or bytes) in the clone's file rel becomes new."""
    def edit(book: Path) -> None:
        data = (book / rel).read_bytes()
        old_, new_ = (s.encode() if isinstance(s, str) else s for s in (old, new))
        if data.count(old_) != 1:
            raise RuntimeError(f"setup: {old!r} occurs {data.count(old_)} times in {rel}")
        (book / rel).write_bytes(data.replace(old_, new_))
    return edit


def write(rel: str, text: str):
    """An edit: write the file rel; "{outside}" stands for a path outside the clone."""
    def edit(book: Path) -> None:
        (book / rel).parent.mkdir(parents=True, exist_ok=True)
        (book / rel).write_text(text.replace("{outside}", str(book.parent / "outside.py")))
    return edit


def with_crlf(rel: str):
    """An edit: the file rel saved with CRLF line ends, as some editors save it."""
    def edit(book: Path) -> None:
        (book / rel).write_bytes((book / rel).read_bytes().replace(b"\n", b"\r\n"))
    return edit


def folder_at(rel: str):
    """An edit: a folder of the reader's (holding mine.txt) where the file rel was."""
    def edit(book: Path) -> None:
        (book / rel).unlink()
        (book / rel).mkdir()
        (book / rel / "mine.txt").write_text("mine\n")
    return edit


def git(*args):
    def edit(book: Path) -> None:
        subprocess.run(["git", *args], cwd=book, check=True, capture_output=True)
    return edit


def copy(source: str, target: str):
    def edit(book: Path) -> None:
        shutil.copy(book / source, book / target)
    return edit


def from_an_older_commit(rel: str):
    """An edit: rel as the commit before its last one left it."""
    def edit(book: Path) -> None:
        commits = subprocess.run(["git", "log", "--format=%H", "-n", "2", "--", rel], cwd=book,
                                 capture_output=True, text=True, check=True).stdout.split()
        (book / rel).write_bytes(subprocess.run(["git", "show", f"{commits[-1]}:{rel}"],
                                                cwd=book, check=True, capture_output=True).stdout)
    return edit


def holds(*pairs):
    """A loss check: each file (rel, text) still holds its text."""
    def lost(book: Path) -> str:
        return "; ".join(f"{text!r} is gone from {rel}" for rel, text in pairs
                         if not (book / rel).is_file()
                         or text not in (book / rel).read_text(errors="replace"))
    return lost


def unchanged(*parts):
    """A loss check: git sees no change to its tracked files under these parts of the clone."""
    def lost(book: Path) -> str:
        status = subprocess.run(["git", "status", "--porcelain", "--", *parts], cwd=book,
                                capture_output=True, text=True).stdout
        changed = [line for line in status.splitlines() if not line.startswith("??")]
        return f"changed: {', '.join(changed)}" if changed else ""
    return lost


def nothing_outside(book: Path) -> str:
    stray = [p for p in (book.parent / "outside.py", book / "outside.py") if p.exists()]
    return f"written outside code/: {stray[0]}" if stray else ""


def planted(book: Path) -> str:
    return "the command in the value ran" if (book / "PLANTED").exists() else ""


def all_of(*checks):
    def lost(book: Path) -> str:
        return "; ".join(filter(None, (check(book) for check in checks)))
    return lost


def in_sync(book: Path) -> str:
    proc = subprocess.run([sys.executable, "tools/tangle.py", "check"], cwd=book,
                          capture_output=True, text=True)
    return "" if proc.returncode == 0 else "code/ is not in sync with the chapters at the end"


def older_file_cases() -> list[BookCase]:
    """Item 1: a file under code/ older than its chapter is not a hand edit."""
    new = OTHER.replace("power)", "power, edited in the chapter)")
    kept = holds((CHAPTER, new), (TANGLED, new))
    edit = [replace(CHAPTER, OTHER, new), make("tangle")]
    advice = make("stitch", status="refused", says="make tangle")
    mine = "(mine) " + LINE
    return [
        BookCase("chapter edit, checkout of code/, tangle, stitch", "T21.1",
                 [*edit, git("checkout", "--", "code/"), make("tangle", says="older than"),
                  make("stitch")], kept, in_sync),
        BookCase("chapter edit, checkout of code/, stitch first", "T21.1",
                 [*edit, git("checkout", "--", "code/"), advice, make("tangle"), make("stitch")],
                 kept, in_sync),
        BookCase("chapter edit, git stash of code/, stitch", "T21.1",
                 [*edit, git("stash", "push", "-q", "--", "code/"), advice, make("tangle")],
                 kept, in_sync),
        BookCase("a file from an older commit, stitch", "T21.1",
                 [from_an_older_commit("code/stage-03/tensor.py"), advice, make("tangle")],
                 unchanged("docs"), in_sync),
        BookCase("an earlier tangle copied back in, stitch", "T21.1",
                 [*edit, copy(TANGLED, "saved.py"), replace(CHAPTER, new, new + " again"),
                  make("tangle"), copy("saved.py", TANGLED), advice, make("tangle")],
                 holds((CHAPTER, new + " again"), (TANGLED, new + " again")), in_sync, fast=True),
        BookCase("one block reverted beside a hand edit", "T21.1",
                 [*edit, replace(TANGLED, new, OTHER), replace(TANGLED, LINE, mine),
                  make("tangle", says="your edits kept"), make("stitch")],
                 all_of(kept, holds((CHAPTER, mine), (TANGLED, mine))), in_sync),
    ]


SERVE = [sys.executable, "-c", "import sys; sys.path.insert(0, 'tools'); import mkdocs_hooks\n"
         "mkdocs_hooks.SERVING = True\ntry:\n    mkdocs_hooks.on_pre_build(None)\n"
         "except Exception as error:\n    sys.exit(str(error))"]  # `make serve`'s tangle


def chapter_cases() -> list[BookCase]:
    """Items 2-4: a chapter entangled would mis-read; each command refuses, naming the line."""
    spoiled = {
        "a file= fence without its }": ("T21.2", replace(CHAPTER, FENCE, FENCE[:-1])),
        "a file= fence without braces": ("T21.2", replace(CHAPTER, FENCE, "``` .python file="
                                                         "code/stage-02/value.py")),
        "a {.py file=...} fence": ("T21.2", replace(CHAPTER, FENCE, FENCE.replace("python", "py"))),
        "a file= fence without .python": ("T21.2", replace(CHAPTER, FENCE,
                                                          FENCE.replace(".python ", ""))),
        "file= in single quotes": ("T21.2", replace(CHAPTER, FENCE, "``` {.python file="
                                                   "'code/stage-02/value.py'}")),
        "a <<name.with.dots>>": ("T21.2", replace(CHAPTER, "    <<value-domain-error>>\n",
                                                 "    <<value.domain-error>>\n")),
        "a named block nothing includes": ("T21.2", write("docs/spare.md",
                                                         "``` {.python #spare}\nx = 1\n```\n")),
        "a name in two chapters": ("T21.2", write("docs/twice.md",
                                                 "``` {.python #value-lift}\nx = 1\n```\n")),
        "mode=abc on a file= fence": ("T21.2", replace(CHAPTER, FENCE, FENCE[:-1] + " mode=abc}")),
        "a chapter line that reads as a ~/~ end marker": (
            "T21.2", replace(CHAPTER, DOCSTRING, DOCSTRING.replace("itself;", "itself ~/~ end;"))),
        "a chapter that is not UTF-8": ("T21.4", replace(CHAPTER, LINE, LINE.encode() + b"\xff")),
        "chapters that tangle to Python that does not parse": (
            "T21.3", replace(CHAPTER, DOCSTRING, DOCSTRING.replace('"""', "'''", 1))),
        "file= an absolute path": ("T21.4", write("docs/stray.md", "``` {.python file={outside}}"
                                                 "\nx = 1\n```\n")),
        "file=../outside.py": ("T21.4", write("docs/stray.md", "``` {.python file=../outside.py}"
                                             "\nx = 1\n```\n")),
    }
    cases = []
    for name, (item, spoil) in spoiled.items():
        steps = [spoil, make("tangle", status="refused", says="docs/"),
                 make("stitch", status="refused", says="docs/"),
                 make("check-sync", status="failed", says="docs/")]
        if name.startswith("file="):
            steps.append(Run(SERVE, status="failed", says="tangling the chapters failed"))
        cases.append(BookCase(name, item, steps, all_of(unchanged("code"), nothing_outside),
                              fast=name in ("a file= fence without its }", "file=../outside.py")))
    cases.append(BookCase("a chapter saved with CRLF line ends (works)", "T21.2",
                          [with_crlf(CHAPTER), make("tangle"), make("check-sync")],
                          unchanged("code"), in_sync))
    return cases


def edit_cases() -> list[BookCase]:
    """Items 3-5: edits under code/ that would read otherwise in a chapter, or cannot be read;
    one block changed on both sides, and the printed advice followed."""
    reference = DOCSTRING[:-3] + '\n    <<value-domain-error>>\n    """'
    both = ["(chapter) " + LINE, "(file) " + LINE]
    conflict = [replace(CHAPTER, LINE, both[0]), replace(TANGLED, LINE, both[1])]
    alike = make("stitch", status="refused", says="make the two alike")
    return [
        BookCase("a docstring line holding only <<name>>, stitch", "T21.3",
                 [replace(TANGLED, DOCSTRING, reference), make("stitch", status="refused",
                                                                says=TANGLED)],
                 all_of(unchanged("docs"), holds((TANGLED, "    <<value-domain-error>>"))),
                 fast=True),
        BookCase("a docstring line holding only ```, stitch", "T21.3",
                 [replace(TANGLED, DOCSTRING, DOCSTRING[:-3] + '\n```\n    """'),
                  make("stitch", status="refused", says=TANGLED)], unchanged("docs")),
        BookCase("an edit that is not UTF-8, stitch", "T21.4",
                 [replace(TANGLED, LINE, LINE.encode() + b" \xed\xa0\x80"),
                  make("stitch", status="refused", says="not UTF-8")],
                 all_of(unchanged("docs"), holds((TANGLED, LINE))), fast=True),
        BookCase("a folder where a tangled file goes", "T21.4",
                 [replace(CHAPTER, LINE, "(chapter) " + LINE), folder_at(TANGLED),
                  make("tangle", status="refused", says=TANGLED),
                  make("stitch", status="refused", says=TANGLED)],
                 holds((f"{TANGLED}/mine.txt", "mine"), (CHAPTER, "(chapter) ")), fast=True),
        BookCase("one block changed on both sides, keep both", "T21.5",
                 [*conflict, make("tangle", status="refused", says="make the two alike"), alike,
                  replace(CHAPTER, "(chapter) ", "(chapter) (file) "),
                  replace(TANGLED, "(file) ", "(chapter) (file) "), make("tangle"), make("stitch")],
                 holds((CHAPTER, "(chapter) (file) "), (TANGLED, "(chapter) (file) ")), in_sync),
        BookCase("one block changed on both sides, keep the chapter's", "T21.5",
                 [*conflict, alike, replace(TANGLED, "(file) ", "(chapter) "), make("stitch")],
                 holds((CHAPTER, both[0]), (TANGLED, both[0])), in_sync),
    ]


PAYLOADS = ['x"; touch {folder}/PLANTED; echo "', "x'; touch {folder}/PLANTED; echo '",
            "$(shell touch {folder}/PLANTED)", "`touch {folder}/PLANTED`",
            "$$(touch {folder}/PLANTED)", "x; touch {folder}/PLANTED #"]
# (target, variable, whether the program gets the value as an argument)
MAKE_VARIABLES = [("bench", "BENCH_JSON", True), ("serve", "HOST", True), ("exercise", "N", True),
                  ("exercise", "LIMIT", True), ("debug", "N", True), ("debug", "KEEP", False),
                  ("debug", "DIFF", False),
                  ("tangle", "V", False), ("stitch", "V", False), ("install", "PYTHON", False),
                  ("tangle", "SHELL", False), ("tangle", "BIN", False),
                  ("help", "ANY_OTHER", False)]


def one_argument(value: str):
    """An end check: the stand-in python got `value` as one whole argument."""
    def wrong(book: Path) -> str:
        args = book / ".venv" / "bin" / "args"
        got = args.read_text().splitlines() if args.exists() else []
        return "" if value in got else f"{value!r} did not reach the program as one argument"
    return wrong


def makefile_cases() -> list[BookCase]:
    """Item 6: values given to make (on its command line, and in the environment) that try to
    run a command; the real recipes run, with a stand-in for .venv/bin/python."""
    cases = []
    for target, variable, passed_on in MAKE_VARIABLES:
        steps = [step for p in PAYLOADS for step in (make(target, f"{variable}={p}", status=None),
                                                     make(target, status=None, env={variable: p}))]
        value = "a 'quoted' \"value\"; with $HOME"
        if target == "install":  # it makes .venv with $PYTHON only when there is none
            steps.insert(0, lambda book: shutil.rmtree(book / ".venv"))
        if passed_on:
            steps.append(make(target, f"{variable}={value}", status=None))
        cases.append(BookCase(f"make {target} {variable}='...; touch PLANTED'", "T21.6", steps,
                              planted, one_argument(value) if passed_on else None,
                              folder="makefile", fast=True))
    return cases


def exercise_cases() -> list[BookCase]:
    """Item 7: the exercise runner and make debug against the reader's own files."""
    mine = "exercises/ex07.py"  # exercise 7: collapse
    loop = "def collapse(W1, b1, W2, b2):\n    while True:\n        pass\n"
    exits = "import os\n\n\ndef collapse(W1, b1, W2, b2):\n    os._exit(0)\n"
    return [
        BookCase("an answer that calls sys.exit(0)", "T21.7",
                 [write(mine, "import sys\nsys.exit(0)\n"), make("exercise", "N=7",
                                                                 status="failed")],
                 holds((mine, "sys.exit(0)")), fast=True),
        BookCase("an answer that calls os._exit(0)", "T21.7",
                 [write(mine, exits), make("exercise", "N=7", status="failed")],
                 holds((mine, "os._exit(0)"))),
        BookCase("an answer that never returns, LIMIT=1", "T21.7",
                 [write(mine, loop), make("exercise", "N=7", "LIMIT=1", status="failed",
                                          says="time limit", timeout=60)],
                 holds((mine, "while True"))),
        BookCase("Ctrl-C inside a check", "T21.7",
                 [write(mine, loop), make("exercise", "N=7", status=None, says="stopped (Ctrl-C)",
                                          signal_after=(signal.SIGINT, 3.0))],
                 holds((mine, "while True")), fast=True),
        BookCase("exercises is a plain file", "T21.7",
                 [write("exercises", "my notes\n"), make("exercise", "N=7", status="refused",
                                                         says="not a folder")],
                 holds(("exercises", "my notes")), fast=True),
        BookCase("make exercise N=abc", "T21.7", [make("exercise", "N=abc", status="refused")]),
        BookCase("make debug N=abc", "T21.7",
                 [make("debug", "N=abc", status="refused", says="whole number")], fast=True),
    ]


def book_cases() -> list[BookCase]:
    return [*older_file_cases(), *chapter_cases(), *edit_cases(), *makefile_cases(),
            *exercise_cases()]


def make_book(root: Path, where: Path, kind: str) -> Path:
    """A fresh clone of root (its tools/ and Makefile as they are), or just its Makefile."""
    book = where / "book"
    if kind == "makefile":
        (book / "tools").mkdir(parents=True)
        shutil.copy(root / "Makefile", book / "Makefile")
        (book / "requirements.txt").touch()
        (book / "tools" / "install_paths.py").touch()
        (book / ".venv" / "bin").mkdir(parents=True)
        (book / ".venv" / "bin" / "python").write_text(STAND_IN)
        (book / ".venv" / "bin" / "python").chmod(0o755)
        (book / ".venv" / ".installed").touch()
        return book
    subprocess.run(["git", "clone", "-q", str(root), str(book)], check=True)
    for tool in (root / "tools").glob("*.py"):
        shutil.copy(tool, book / "tools" / tool.name)
    shutil.copy(root / "Makefile", book / "Makefile")
    (book / ".venv").symlink_to(root / ".venv", target_is_directory=True)
    return book


def run_step(book: Path, step: Run) -> tuple[int | None, str, bool]:
    """(exit status, stdout and stderr as one text, timed out) of one command in the clone."""
    argv = [str(a).replace("{folder}", str(book)) for a in step.argv]
    if argv[0] == "make":  # -o: never remake .venv in the clone (make install aside)
        stamps = (".venv/.installed", ".venv/.installed-dev", ".venv/.installed-lab")
        argv[1:1] = ["-s", "--no-print-directory",
                     *([arg for stamp in stamps for arg in ("-o", stamp)]
                       if "install" not in argv else [])]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    env |= {k: v.replace("{folder}", str(book)) for k, v in step.env.items()}
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(argv, cwd=book, env=env, stdout=out, stderr=subprocess.STDOUT,
                                text=True, start_new_session=True)
        timed_out = False
        try:
            if step.signal_after:
                time.sleep(step.signal_after[1])
                os.killpg(proc.pid, step.signal_after[0])
            proc.wait(timeout=step.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            timed_out = True
        out.seek(0)
        return proc.returncode, out.read(), timed_out


def answer(output: str) -> list[str]:
    """The lines a command printed, make's own (`make: *** ... Error 2`) left out."""
    return [line for line in output.splitlines()
            if line.strip() and not line.startswith(("make: ***", "make["))]


def judge_step(step: Run, status: int | None, output: str, timed_out: bool):
    """(class, what was seen) if this command's answer is not a clear one, else None."""
    lines = answer(output)
    shown = f"{' '.join(map(str, step.argv))[:60]}: "
    last = lines[-1][:150] if lines else "(no output)"
    if timed_out:
        return "hang", f"{shown}no answer in {step.timeout:.0f} s"
    if "Traceback" in output:
        return "traceback", shown + last
    wrong = ""
    if step.status == 0 and status != 0:
        wrong = f"exit {status}"
    elif step.status in ("refused", "failed") and status == 0:
        wrong = "exit 0, expected it to refuse or fail"
    elif step.status == "refused" and len(lines) != 1:
        wrong = f"{len(lines)} lines, expected one"
    elif step.says and step.says not in output:
        wrong = f"does not say {step.says!r}"
    return ("unclear", f"{shown}{wrong}: {last}") if wrong else None


def run_book_case(root: Path, case: BookCase) -> tuple[str, str, int | None, float]:
    """(class, what was seen, last exit status, seconds) of one case, on a fresh clone."""
    with tempfile.TemporaryDirectory(prefix="hostile-book-") as name:
        book = make_book(root, Path(name), case.folder)
        start, verdict, status, seen = time.monotonic(), None, None, "ok"
        for step in case.steps:
            if not isinstance(step, Run):
                step(book)
                continue
            status, output, timed_out = run_step(book, step)
            verdict = judge_step(step, status, output, timed_out)
            if verdict:
                break
            seen = (answer(output) or [seen])[-1][:150]
        lost = case.lost_if(book) if case.lost_if else ""
        wrong = case.end(book) if case.end and not verdict else ""
        kind, seen = (("lost", lost) if lost else verdict or
                      (("unclear", wrong) if wrong else ("clear", seen)))
        return kind, seen, status, time.monotonic() - start


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--root", type=Path, default=ROOT, help="the checkout to test (default: this)")
    p.add_argument("--only", action="append", default=None,
                   help="run only the cases whose name holds this (repeatable)")
    p.add_argument("--skip-slow", action="store_true", help="leave out the 200 MB corpus")
    p.add_argument("--tools", action="store_true",
                   help="only the cases of the book's tools (tangle, stitch, make, exercises)")
    p.add_argument("--json", type=Path, default=None, help="write the outcomes here")
    args = p.parse_args(argv)
    root = args.root.resolve()

    def wanted(case) -> bool:
        return not args.only or any(word in case.name for word in args.only)

    chosen = [] if args.tools else [c for c in cases(root)
                                    if wanted(c) and not (args.skip_slow and c.slow)]
    counts, rows = {}, []

    def show(item, kind, name, status, seconds, peak_mb, seen) -> None:
        counts[kind] = counts.get(kind, 0) + 1
        rows.append({"item": item, "case": name, "class": kind, "seen": seen, "exit": status,
                     "seconds": round(seconds, 2), "peak_mb": round(peak_mb)})
        print(f"{item}  {kind:9s} {name:40s} exit {status!s:>4} {seconds:6.1f} s "
              f"{peak_mb:6.0f} MB  {seen}", flush=True)

    if chosen:
        with tempfile.TemporaryDirectory(prefix="hostile-files-") as name:
            files = Path(name)
            make_files(root, files)
            if any(c.slow for c in chosen):
                make_big_corpus(files)
            for case in chosen:
                kind, seen, run = run_case(root, files, case)
                show(case.item, kind, case.name, run.returncode, run.seconds, run.peak_mb, seen)
    for case in filter(wanted, book_cases()):
        kind, seen, status, seconds = run_book_case(root, case)
        show(case.item, kind, case.name, status, seconds, 0, seen)
    print(f"tried {len(rows)}: " + ", ".join(f"{k} {counts.get(k, 0)}" for k in
                                          ("clear", "traceback", "hang", "lost", "unclear")))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0 if counts.get("clear", 0) == len(rows) else 1

if __name__ == "__main__":
    sys.exit(main())
