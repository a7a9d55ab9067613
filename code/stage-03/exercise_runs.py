# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercise_runs.py>>[init]
"""The runs of the exercises: the commands an experiment asks for, the files they write beside
the reader's exercise file, and how a checker reads them back and makes sure that the reader's
own command wrote them.

From the Exercises page (docs/stage-03/exercises.md, "How an experiment is checked"). Generated
by entangled: edit the chapter and `make tangle`, or edit this file and `make stitch`.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import importlib.util
import io
import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, SimpleNamespace

import numpy as np

import cli
import compare
import corpora
import lm
import neural_lm
import ngram
from checkpoint import load_checkpoint
from corpora import Data, Windows
from neural_lm import MLPLanguageModel, ModelConfig, TrainConfig

# ~/~ begin <<docs/stage-03/exercises.md#exruns-given>>[init]
CLI = Path(__file__).resolve().with_name("cli.py")
FOLDER = "runs"  # the reader's runs: a folder beside their exercise file
SUFFIX = {"train": ".ckpt.npz", "compare": ".json", "generate": ".txt"}
LOSS_TOLERANCE = 1e-4  # nats: a recorded loss and the loss its weights give, same computation


def given(ex: ModuleType, name: str):
    """The value of `name` in the reader's file; NotImplementedError while it is None."""
    value = getattr(ex, name, None)
    if value is None:
        raise NotImplementedError(f"set {name} in your file")
    return value


def number(ex: ModuleType, name: str) -> float:
    """A number the reader entered (an int or a float, finite)."""
    value = given(ex, name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise AssertionError(f"{name} is {value!r}: enter a number")
    return float(value)


def choice(ex: ModuleType, name: str, options) -> str:
    """One of `options`, as the reader entered it."""
    value = given(ex, name)
    if value not in options:
        raise AssertionError(f"{name} is {value!r}: enter one of {', '.join(map(repr, options))}")
    return value


def note(ex: ModuleType) -> str:
    """The reader's NOTE, an explanation in words: a sentence or two."""
    value = given(ex, "NOTE")
    if not isinstance(value, str) or len(value.split()) < 8:
        raise AssertionError("NOTE: your explanation, in a sentence or two")
    return value


def seed(ex: ModuleType) -> int:
    """The reader's SEED, a whole number from 1 on: a run made without --seed (seed 0), or
    taken from the book's own runs (seed 0), is then told apart from the reader's."""
    value = given(ex, "SEED")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise AssertionError(f"SEED is {value!r}: choose a whole number from 1 on (the book's "
                             "own runs use 0)")
    return value


def mine(ex: ModuleType) -> Path:
    """The reader's exercise file; its runs live in the folder runs/ beside it."""
    return Path(ex.__file__).resolve()


def constants(path: Path) -> SimpleNamespace:
    """The literal constants of an exercise file (SEED = 7, BEST = (5, 16)), read without
    running it: what its commands need before its runs exist."""
    found = {"__file__": str(path)}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name) and node.targets[0].id.isupper():
            with contextlib.suppress(ValueError):
                found[node.targets[0].id] = ast.literal_eval(node.value)
    return SimpleNamespace(**found)


def shown(path: Path) -> str:
    """A path as the reader types it: relative to the folder they work in (the repository's
    top) when it is inside."""
    path, here = Path(path).absolute(), Path.cwd()
    return str(path.relative_to(here)) if path.is_relative_to(here) else str(path)


# ---- the runs --------------------------------------------------------------------------------
# ~/~ end


# ~/~ begin <<docs/stage-03/exercises.md#exruns-run>>[init]
@dataclass(frozen=True)
class Run:
    """One command of an experiment, `neural-lm COMMAND OPTIONS --seed SEED`, whose output goes
    to runs/STEM-NAME.ckpt.npz (train), .json (compare) or .txt (generate) beside the reader's
    file STEM.py. An option "@other" stands for the checkpoint of the run named `other`."""

    name: str
    command: str
    options: tuple[str, ...]

    def file(self, mine: Path) -> Path:
        return mine.parent / FOLDER / f"{mine.stem}-{self.name}{SUFFIX[self.command]}"

    def argv(self, mine: Path, seed) -> list[str]:
        """The arguments after `neural-lm`, with the output's place."""
        options = [shown(Run(o[1:], "train", ()).file(mine)) if o.startswith("@") else o
                   for o in self.options]
        out = ["--out", shown(self.file(mine)), "--overwrite"] if self.command == "train" else []
        json_flag = ["--json"] if self.command == "compare" else []
        return [self.command, *options, "--seed", str(seed), *out, *json_flag]

    def shell(self, mine: Path, seed) -> str:
        """The command as the reader types it, from the top of the repository."""
        line = " ".join(["neural-lm", *self.argv(mine, seed)])
        return line if self.command == "train" else f"{line} > {shown(self.file(mine))}"


def missing(ex: ModuleType, runs: list[Run], listed: bool = True) -> None:
    """AssertionError if any run's file is not there yet: with the commands still to run, or
    (listed=False, for the checks after the one that lists them) with the first file only."""
    yours = seed(ex)  # first: without it there are no commands to run
    todo = [run for run in runs if not run.file(mine(ex)).is_file()]
    if todo and not listed:
        raise AssertionError(f"no {shown(todo[0].file(mine(ex)))} yet: run the commands above")
    if todo:
        commands = "\n".join(f"  {run.shell(mine(ex), yours)}" for run in todo)
        raise AssertionError(f"{len(todo)} of your runs {'is' if len(todo) == 1 else 'are'} "
                             f"not there yet; from the top of the repository, run\n{commands}")


def make(run: Run, path: Path, seed: int) -> None:
    """Run the command as the reader would, in a fresh process in this folder (the tests and
    the Exercises page make the reference solutions' runs with it)."""
    target = run.file(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    argv = run.argv(path, seed) + (["--quiet"] if run.command == "train" else [])
    with open(os.devnull if run.command == "train" else target, "w", encoding="utf-8") as out:
        proc = subprocess.run([sys.executable, str(CLI), *argv], stdout=out,
                              stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"`neural-lm {' '.join(argv)}` failed:\n{proc.stderr}")


# ---- reading a checkpoint back ---------------------------------------------------------------
# ~/~ end


# ~/~ begin <<docs/stage-03/exercises.md#exruns-trained>>[init]
@functools.cache
def data_of(source: str, lines: bool | None, split_seed: int, tokens: str,
            max_chars: int | None = None, min_count: int | None = None) -> Data:
    """corpora.load_data, once per set of arguments in a process."""
    return corpora.load_data(source, lines, split_seed, max_chars=max_chars, tokens=tokens,
                             min_count=min_count)


@dataclass
class Trained:
    """A checkpoint of one of the reader's runs, read back, with the data it was trained on."""

    path: Path
    model: MLPLanguageModel
    meta: dict
    data: Data

    def windows(self, part: str) -> Windows:
        return Windows.of(getattr(self.data, part), self.data.vocab, self.model.config.context)

    def bits(self, part: str = "valid") -> float:
        """Bits per token of the network on a whole split, computed here from its weights."""
        return self.model.mean_loss(self.windows(part)) / math.log(2)


def read_once(read):
    """read(ex, run), computed once for each version of the run's file (its path, time and
    size) and each command: a checker asks for the same run in several checks."""
    done = {}

    @functools.wraps(read)
    def once(ex: ModuleType, run: Run):
        missing(ex, [run], listed=False)
        path = run.file(mine(ex))
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size, tuple(run.argv(mine(ex), seed(ex))))
        if key not in done:
            done[key] = read(ex, run)
        return done[key]

    return once


@read_once
def trained(ex: ModuleType, run: Run) -> Trained:
    """The checkpoint of `run`, checked: made by the run's command with the reader's seed (its
    settings, data and seed are those the command gives), and its recorded validation loss is
    the loss its weights give (a checkpoint edited by hand, or written by other code, is not)."""
    path, argv = run.file(mine(ex)), run.argv(mine(ex), seed(ex))
    try:
        ckpt = load_checkpoint(path)
    except Exception as error:  # a damaged or foreign file: say so in the checklist
        raise AssertionError(f"{shown(path)} cannot be read ({error}); run again:\n"
                             f"  {run.shell(mine(ex), seed(ex))}") from None
    if wrong := settings_differences(argv, ckpt.meta):
        raise AssertionError(f"{shown(path)} was not made by this exercise's command with your "
                             f"seed: {'; '.join(wrong)}. Run\n  {run.shell(mine(ex), seed(ex))}")
    d = ckpt.meta["data"]
    done = Trained(path, ckpt.model, ckpt.meta, data_of(d["source"], d["lines"],
                                                        d["split_seed"], d["tokens"]))
    if done.data.vocab != ckpt.vocab:
        raise AssertionError(f"{shown(path)} has another vocabulary than its data gives: run\n"
                             f"  {run.shell(mine(ex), seed(ex))}")
    settings = TrainConfig(**ckpt.meta["train_config"])
    sample = neural_lm.validation_sample(done.windows("valid"), settings)
    recorded, again = ckpt.meta["metrics"]["valid_loss"], done.model.mean_loss(sample)
    if not abs(recorded - again) < LOSS_TOLERANCE:
        raise AssertionError(f"{shown(path)} records a validation loss of {recorded:.4f} nats, "
                             f"but its weights give {again:.4f}: it was not written by the run "
                             f"itself. Run\n  {run.shell(mine(ex), seed(ex))}")
    return done


def settings_differences(argv: list[str], meta: dict) -> list[str]:
    """How a checkpoint's recorded settings differ from those `neural-lm ARGV` gives."""
    args = cli.build_parser().parse_args(argv)
    want = {"model": dataclasses.asdict(cli.model_config(args)),
            "train": dataclasses.asdict(cli.train_config(args, steps=args.steps or
                                                         TrainConfig.steps)),
            "data": {"source": args.data, "split_seed": args.split_seed or 0,
                     "tokens": args.tokens or "chars"}}
    got = {"model": meta.get("model_config") or {}, "train": meta.get("train_config") or {},
           "data": meta.get("data") or {}}
    skip = {"vocab_size", "eval_every", "valid_windows"}  # set by the data and the run's speed
    return [f"its {part} setting {key} is {got[part].get(key)!r}, the command's {value!r}"
            for part in want for key, value in compare.jsonable(want[part]).items()
            if key not in skip and compare.jsonable(got[part].get(key)) != value]


# ---- reading a comparison back ---------------------------------------------------------------
# ~/~ end


# ~/~ begin <<docs/stage-03/exercises.md#exruns-compared>>[init]
@read_once
def compared(ex: ModuleType, run: Run) -> dict:
    """The figures `neural-lm compare --json` wrote for `run`, checked: the corpus, its split and
    the network's settings and seed are those of the run's command with the reader's seed, and
    Kneser-Ney, tuned again here on the same split, scores the test text as the file says (a
    cheap part of the run, made again: a file from another split or edited by hand fails)."""
    path, argv = run.file(mine(ex)), run.argv(mine(ex), seed(ex))
    again = f"Run\n  {run.shell(mine(ex), seed(ex))}"
    try:
        figures = json.loads(path.read_text(encoding="utf-8"))
        corpus = figures["corpus"]
        if not all(isinstance(figures.get(k), dict)
                   for k in ("neural", "seeds", "best_kneser_ney")):
            raise KeyError("neural")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise AssertionError(f"{shown(path)} is not what `neural-lm compare --json` prints (did "
                             f"the command fail?). {again}") from None
    args = cli.build_parser().parse_args(argv)
    if wrong := comparison_differences(args, figures):
        raise AssertionError(f"{shown(path)} was not made by this exercise's command with your "
                             f"seed: {'; '.join(wrong)}. {again}")
    data = data_of(args.data, args.lines, args.seed, args.tokens or "chars", args.max_chars,
                   args.min_count)
    sizes = {part: data.num_tokens(part) for part in compare.PARTS}
    if any(corpus.get(f"{part}_tokens") != n for part, n in sizes.items()):
        raise AssertionError(f"{shown(path)} was made on another text than the command reads. "
                             f"{again}")
    kneser_ney = kneser_ney_bits(data, args.max_order)
    if not abs(figures["best_kneser_ney"]["test_bits_per_token"] - kneser_ney) < 1e-6:
        raise AssertionError(f"{shown(path)} says Kneser-Ney scores "
                             f"{figures['best_kneser_ney']['test_bits_per_token']:.4f} bits per "
                             f"token; tuned again on the same split it scores {kneser_ney:.4f}: "
                             f"the file was not written by this run. {again}")
    return figures


def comparison_differences(args, figures: dict) -> list[str]:
    """How the settings a comparison records differ from those its command gives."""
    shape, settings = cli.model_config(args), cli.train_config(args, steps=args.steps or 0)
    want = {"corpus name": Path(args.data).name, "tokens": args.tokens or "chars",
            "seed": args.seed, "seeds": args.seeds,
            **{k: compare.jsonable(getattr(shape, k)) for k in compare.NEURAL_SETTINGS},
            **{k: compare.jsonable(getattr(settings, k)) for k in compare.TRAIN_SETTINGS}}
    seeds = figures.get("seeds", {}).get("runs", [])
    got = {"corpus name": figures["corpus"].get("name"), "tokens": figures["corpus"].get("tokens"),
           "seed": figures["corpus"].get("seed"), "seeds": len(seeds),
           **{k: figures["neural"].get(k) for k in (*compare.NEURAL_SETTINGS,
                                                    *compare.TRAIN_SETTINGS)}}
    if args.steps:
        want["steps"], got["steps"] = args.steps, figures["neural"].get("steps")
    if seeds and seeds[0].get("seed") != args.seed:
        got["seed"] = seeds[0].get("seed")
    return [f"its {key} is {got[key]!r}, the command's {value!r}"
            for key, value in want.items() if got[key] != value]


def tuned_kneser_ney(data: Data, max_order: int = 64) -> lm.LanguageModel:
    """Interpolated Kneser-Ney tuned on validation as compare tunes it (orders 1..max_order
    that 64-bit codes allow)."""
    orders = [o for o in range(1, max_order + 1) if o <= ngram.highest_order(data.vocab.size)]
    counts = ngram.NgramCounts(data.train, data.vocab, max(orders))
    return compare.fit_ngram("kneser-ney", data, counts, orders, 0.0)[0].model


def kneser_ney_bits(data: Data, max_order: int) -> float:
    """The test bits per token of Kneser-Ney tuned as compare tunes it."""
    return compare.bits_per_token(tuned_kneser_ney(data, max_order).token_log_probs(data.test))


# ---- reading a sample back -------------------------------------------------------------------
# ~/~ end


# ~/~ begin <<docs/stage-03/exercises.md#exruns-sampled>>[init]
@read_once
def sampled(ex: ModuleType, run: Run) -> str:
    """The text `neural-lm generate` wrote for `run`, checked by generating it again here from
    the same checkpoint with the reader's seed: only that command writes that text."""
    path = run.file(mine(ex))
    text = path.read_text(encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = cli.main(run.argv(mine(ex), seed(ex)))
    if status != 0 or out.getvalue() != text:
        raise AssertionError(f"{shown(path)} is not the text the command writes (from your "
                             f"checkpoint, with your seed). Run\n  {run.shell(mine(ex), seed(ex))}")
    return text


def made(ex: ModuleType, runs: list[Run]) -> None:
    """Every run there (else the commands still to run, all at once), each read back and
    checked as its command's output."""
    missing(ex, runs)
    read = {"train": trained, "compare": compared, "generate": sampled}
    for run in runs:
        read[run.command](ex, run)


# ---- measured by the checker: the open problems ----------------------------------------------
# ~/~ end


# ~/~ begin <<docs/stage-03/exercises.md#exruns-open>>[init]
@dataclass
class Setup:
    """The conditions of a measurement: the data, the network, its training and the seed."""

    data: Data
    shape: ModelConfig
    settings: TrainConfig
    seed: int


def setup(options: list[str], seed: int, most_steps: int) -> Setup:
    """The data, network and optimiser that `neural-lm compare OPTIONS --seed SEED` would use,
    for a run of --steps (at most most_steps) given among the options."""
    with contextlib.redirect_stderr(io.StringIO()) as said:
        try:
            args = cli.build_parser().parse_args(["compare", *map(str, options), "--seed",
                                                  str(seed)])
        except SystemExit:
            raise AssertionError(f"OPTIONS are not options of `neural-lm compare`: "
                                 f"{said.getvalue().strip()}") from None
    if args.steps is None or not 1 <= args.steps <= most_steps:
        raise AssertionError(f"OPTIONS must give --steps, from 1 to {most_steps:,} (a number of "
                             "steps, not a time budget: the checker trains the networks itself)")
    data = data_of(args.data, args.lines, seed, args.tokens or "chars", args.max_chars,
                   args.min_count)
    shape = dataclasses.replace(cli.model_config(args), vocab_size=data.vocab.size)
    settings = cli.train_config(args, steps=args.steps, eval_every=max(1, args.steps // 10))
    return Setup(data, shape, settings, seed)


def position_bits(model, data: Data) -> np.ndarray:
    """-log2 P of every test token under the model: (positions,)."""
    return -model.token_log_probs(data.test) / math.log(2)


def seen_contexts(data: Data) -> np.ndarray:
    """For each test position: was its context, as long as tuned Kneser-Ney's, seen in
    training? (compare.seen_split, at the order compare would choose)."""
    return compare.seen_split(data, tuned_kneser_ney(data).order - 1)


def parts(values: np.ndarray, seen: np.ndarray, seed: int) -> dict[str, compare.Interval]:
    """The mean of values on all positions, on seen and on unseen contexts, and the contrast
    (unseen minus seen), each with its block-bootstrap interval (chapter 3.7)."""
    if seen.all() or not seen.any():
        raise AssertionError("every test position has a seen context, or none has: choose "
                             "conditions with both (more text, or another corpus)")
    return {"all": compare.block_bootstrap(values, seed=seed),
            "seen": compare.block_bootstrap(values, seen, seed=seed),
            "unseen": compare.block_bootstrap(values, ~seen, seed=seed),
            "unseen - seen": compare.contrast_bootstrap(values, seen, seed=seed)}


def ablation(s: Setup) -> dict[str, np.ndarray]:
    """Bits per test position of the network of chapter 3.5 ("learned"); of the same network
    trained with its table frozen at its random start ("frozen", compare.FrozenTableNetwork);
    and of the learned network reading a table drawn afresh at the same scale ("random")."""
    learned = compare.train_neural(s.data, s.shape, s.settings, s.seed).model
    frozen = compare.train_neural(s.data, s.shape, s.settings, s.seed, freeze_table=True).model
    bits = {"learned": position_bits(learned, s.data), "frozen": position_bits(frozen, s.data)}
    redrawn = MLPLanguageModel(dataclasses.replace(learned.config, seed=s.seed + 1))
    learned.embedding.weight.data[...] = redrawn.embedding.weight.data
    bits["random"] = position_bits(learned, s.data)
    return bits


def trained_network(network: type, s: Setup):
    """An instance of `network` (a class built like MLPLanguageModel) trained as s says."""
    config = dataclasses.replace(s.shape, seed=s.seed)
    model = network(config)
    model.vocab = s.data.vocab
    neural_lm.train(model, *neural_lm.training_windows(s.data, config.context),
                    dataclasses.replace(s.settings, seed=s.seed))
    return model


def neighbour(ex: ModuleType, n: int) -> ModuleType:
    """The reader's exercise n, from exNN.py beside their file (an open problem that builds on
    an earlier answer); NotImplementedError until that file exists."""
    path = mine(ex).parent / f"ex{n:02d}.py"
    if not path.is_file():
        raise NotImplementedError(f"this problem uses your answer to exercise {n}: do it first "
                                  f"(make exercise N={n})")
    spec = importlib.util.spec_from_file_location(f"ex{n:02d}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def interval(i: compare.Interval) -> str:
    return f"{i.mean:+.3f} [{i.lo:+.3f}, {i.hi:+.3f}]"
# ~/~ end
# ~/~ end
