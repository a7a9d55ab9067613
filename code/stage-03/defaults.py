# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#code/stage-03/defaults.py>>[init]
"""The book's default network and optimiser for each kind of token.

Chapter 3.6a, "The book's defaults": one table, read by the command line (train and compare),
by the comparison of chapter 3.7 and by the chapters. ModelConfig and TrainConfig keep their own
plain defaults (the network and the SGD of chapter 3.5); these are the settings the book's
programs start from.

Generated from docs/stage-03/rates-and-optimisers.md by entangled: edit the chapter and
`make tangle`, or edit this file and `make stitch`.
"""

from __future__ import annotations

from neural_lm import ModelConfig, TrainConfig

# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#defaults-table>>[init]
UNITS = ("chars", "words")

DEFAULTS = {  # unit: (ModelConfig fields, TrainConfig fields)
    "chars": ({"context": 8, "embedding": 32, "hidden": (512, 512), "activation": "relu",
               "dropout": 0.1},
              {"optimiser": "adam", "lr": 3e-3, "eps": 1e-8, "batch_size": 256,
               "decay": "cosine"}),
    "words": ({"context": 4, "embedding": 64, "embedding_scale": 0.1, "hidden": (256,),
               "activation": "relu", "dropout": 0.2, "output_bias": "unigram"},
              {"optimiser": "adam", "lr": 3e-3, "eps": 1e-5, "batch_size": 512,
               "decay": "cosine"}),
}
# ~/~ end


# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#defaults-function>>[init]
def network_defaults(unit: str = "chars") -> tuple[ModelConfig, TrainConfig]:
    """The book's default network (its vocab_size a placeholder until the data is read) and
    optimiser for a kind of token: "chars" or "words" (KeyError for another)."""
    model, train = DEFAULTS[unit]
    return ModelConfig(vocab_size=2, **model), TrainConfig(**train)
# ~/~ end
# ~/~ end
