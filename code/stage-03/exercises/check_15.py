# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_15.py>>[init]
"""Checker for exercise 15 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import dataclasses

import corpora
import neural_lm
from defaults import network_defaults
from exercise_runs import choice, number

TITLE = "How many parameters?"
KIND, NEEDS, LEVEL = "derive", ("3.5",), 1


def network():
    shape = network_defaults("chars")[0]
    V = corpora.load_data("names").vocab.size
    return neural_lm.MLPLanguageModel(dataclasses.replace(shape, vocab_size=V))


def parts(model):
    """The parameters of each part: the table, each hidden layer, the output layer."""
    sizes = {}
    for name, p in model.named_parameters():
        part = {"embedding": "table"}.get(name.split(".")[0], name.split(".")[0])
        sizes[part] = sizes.get(part, 0) + p.data.size
    return sizes


def check_parameters(ex):
    """PARAMETERS is the number of weights and biases of the network"""
    model = network()
    got, want = number(ex, "PARAMETERS"), model.num_parameters()
    assert got == want, (f"PARAMETERS is {got:,.0f}, the network has {want:,}: did you count "
                         f"every bias? By part: {parts(model)}")


def check_largest(ex):
    """LARGEST names the part that holds the most parameters"""
    sizes = parts(network())
    got = choice(ex, "LARGEST", sorted(sizes))
    assert sizes[got] == max(sizes.values()), f"{got} holds {sizes[got]:,}; count the others"
# ~/~ end
