# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_20.py>>[init]
"""Exercise 20: Adam's first steps (chapter 3.6a).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=20` copies it to
exercises/ex20.py, the file you edit. Work it out on paper, then enter the three results.
"""

FIRST_STEP = None  # the first uncorrected step / the corrected one (beta1 0.9, beta2 0.999)
BETA2_EVEN = None  # the beta2 that makes the two first steps equal, for beta1 = 0.9
STEPS_M = None  # the first t with 1 / (1 - 0.9**t) below 1.01
# ~/~ end
