# ~/~ begin <<docs/foundations/counting.md#code/stage-01/bench_ngram.py>>[init]
"""Time the counting baseline: count orders 1..8 and score the validation split, per corpus.

Tangled from docs/foundations/counting.md (Foundation A). Generated: edit the chapter and run
`make tangle`, or edit here and run `make stitch`. Run with `make bench-ngram`.
"""

import sys
import time

import corpora
import lm
import ngram

BUDGET_SECONDS = {"names": 5.0, "shakespeare": 60.0}


def bench(name: str) -> float:
    """Print the time of each stage for one corpus; return the seconds of count + score."""
    t0 = time.perf_counter()
    splits = corpora.split_corpus(corpora.load_corpus(name), seed=0)
    vocab = corpora.Vocabulary.from_sequences(splits.train)
    t1 = time.perf_counter()
    counts = ngram.NgramCounts(splits.train, vocab, 8)
    t2 = time.perf_counter()
    for order in range(1, 9):
        kn = ngram.KneserNey(order).use_counts(counts)
        addk = ngram.AddK(order, 0.01).use_counts(counts)
        bpc_kn = lm.bits_per_token(kn.token_log_probs(splits.valid))
        bpc_addk = lm.bits_per_token(addk.token_log_probs(splits.valid))
    t3 = time.perf_counter()
    valid_chars = sum(map(len, splits.valid))
    print(f"{name}: {counts.num_tokens:,} training and {valid_chars:,} validation characters, "
          f"V = {vocab.size}")
    print(f"  load, split, vocabulary      {t1 - t0:7.2f} s")
    print(f"  count orders 1..8            {t2 - t1:7.2f} s")
    print(f"  score valid, orders 1..8     {t3 - t2:7.2f} s  (KN and add-k; order 8: "
          f"KN {bpc_kn:.3f}, add-k {bpc_addk:.3f} bpc)")
    print(f"  count + score                {t3 - t1:7.2f} s  (budget {BUDGET_SECONDS[name]:g} s)")
    return t3 - t1


def main() -> int:
    over = [name for name in BUDGET_SECONDS if bench(name) > BUDGET_SECONDS[name]]
    for name in over:
        print(f"over budget: {name}", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
# ~/~ end
