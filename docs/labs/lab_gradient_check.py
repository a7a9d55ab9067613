# %% [markdown]
# # Lab: finite differences, measured
#
# The chapter [Foundation B: a scalar autograd](../../foundations/autograd/) checks every gradient
# against a central finite difference, $\bigl(f(x + h) - f(x - h)\bigr) / 2h$, and argues that
# its error has two parts:
#
# - **truncation**, from cutting the Taylor series: about $h^2 |f'''(x)| / 6$, which shrinks as
#   $h$ shrinks (for the one-sided forward difference, $\bigl(f(x + h) - f(x)\bigr) / h$, it is
#   $h |f''(x)| / 2$);
# - **round-off**, from subtracting two nearly equal floating-point numbers: about
#   $\varepsilon |f(x)| / h$, with $\varepsilon = 2^{-52}$ the float64 spacing near 1, which
#   *grows* as $h$ shrinks.
#
# On a log–log plot each part is a straight line, of slope $+2$ (or $+1$) and $-1$, and their sum
# is a V. This lab measures the V on a `Value` expression: the "exact" derivative comes from the
# engine's backward pass, and we compute both differences for a range of steps $h$.

# %%
import math

import book_style  # the book's plotting style, found from any folder
import matplotlib.pyplot as plt
import numpy as np
from value import Value, gradient, numerical_gradient

book_style.use()


def f(x):
    return x.exp() * x.tanh() + (x * x + 1).log()


x0 = 0.8
exact = gradient(f, [x0])[0]
fx = f(Value(x0)).data
print(f"f({x0}) = {fx:.15f}")
print(f"f'({x0}) = {exact:.15f} (from the backward pass)")

# %% [markdown]
# ## The measurement
#
# For 121 steps $h$ between $10^{-13}$ and $10^{-1}$, the absolute error of each difference
# against the engine's derivative. The central difference is the chapter's `numerical_gradient`; the
# forward difference is written out here, dividing by the step actually taken just as
# `numerical_gradient` does.

# %%
steps = np.logspace(-13, -1, 121)


def forward_difference(x, h):
    return (f(Value(x + h)).data - f(Value(x)).data) / ((x + h) - x)


central = [numerical_gradient(f, [x0], h)[0] for h in steps]
central_error = np.abs(np.array(central) - exact)
forward_error = np.abs(np.array([forward_difference(x0, h) for h in steps]) - exact)

# %% [markdown]
# ## The model of the error
#
# To draw the predicted lines we need $f''$ and $f'''$ at $x_0$. The engine gives $f'$ exactly at
# any point, so a finite difference *of the engine's derivative* with a comfortable step
# $d = 10^{-3}$ estimates them well enough for a guide line:
# $f'' \approx \bigl(f'(x + d) - f'(x - d)\bigr) / 2d$ and
# $f''' \approx \bigl(f'(x + d) - 2f'(x) + f'(x - d)\bigr) / d^2$.

# %%
d = 1e-3
g_minus, g_plus = gradient(f, [x0 - d])[0], gradient(f, [x0 + d])[0]
f2 = (g_plus - g_minus) / (2 * d)
f3 = (g_plus - 2 * exact + g_minus) / d**2
eps = np.finfo(np.float64).eps

truncation_central = steps**2 * abs(f3) / 6
truncation_forward = steps * abs(f2) / 2
round_off = eps * abs(fx) / steps

# the best step predicted by minimising the model, and the best one measured
h_central = (3 * eps * abs(fx) / abs(f3)) ** (1 / 3)
h_forward = math.sqrt(2 * eps * abs(fx) / abs(f2))
best_central = steps[np.argmin(central_error)]
best_forward = steps[np.argmin(forward_error)]

print(f"f''({x0}) ≈ {f2:.6f},  f'''({x0}) ≈ {f3:.6f},  eps = {eps:.3e}")
print(f"central: best h predicted {h_central:.1e}, measured {best_central:.1e}, "
      f"smallest error {central_error.min():.1e}")
print(f"forward: best h predicted {h_forward:.1e}, measured {best_forward:.1e}, "
      f"smallest error {forward_error.min():.1e}")
default_error = abs(numerical_gradient(f, [x0])[0] - exact)
print(f"central at the default h = 1e-6: error {default_error:.1e}")

# %%
fig, ax = plt.subplots(figsize=(9, 5.5))
floor = 1e-17  # an error of exactly 0 cannot be drawn on a log scale
ax.loglog(steps, np.maximum(central_error, floor), "o", ms=3,
          label="central difference, measured")
ax.loglog(steps, np.maximum(forward_error, floor), "s", ms=3, alpha=0.6,
          label="forward difference, measured")
ax.loglog(steps, truncation_central, "--", color="C0", label=r"$h^2|f'''|/6$ (central truncation)")
ax.loglog(steps, truncation_forward, "--", color="C1", label=r"$h|f''|/2$ (forward truncation)")
ax.loglog(steps, round_off, ":", color="k", label=r"$\varepsilon|f|/h$ (round-off)")
ax.axvline(1e-6, color="grey", lw=0.8)
ax.text(1.3e-6, 1e-13, "default h", color="grey")
ax.set_ylim(1e-14, 1e4)  # room above the data for the legend
ax.set_xlabel("step $h$")
ax.set_ylabel("|finite difference − backward pass|")
ax.set_title("Error of a finite-difference derivative against its step")
ax.legend(loc="upper center", ncol=2)
plt.show()

# %% [markdown]
# ## Reading the plot
#
# - **Right arm: truncation.** For large h the measured points sit on the dashed lines: the
#   central difference falls with slope $+2$ (a step ten times smaller, an error a hundred
#   times smaller), the forward difference only with slope $+1$. This is the Taylor argument of the
#   chapter, seen.
# - **Left arm: round-off.** For small h both differences lose the same way, along the dotted
#   $\varepsilon |f| / h$ line with slope $-1$, and the points scatter: round-off is not a
#   smooth function of $h$, it depends on how the last bits of $f(x \pm h)$ happen to fall. The dotted line is a scale, not a
#   bound; points may sit above or below it by a small factor.
# - **The bottom of the V.** The central difference reaches its best where the two lines cross,
#   near the predicted $h^* = (3\varepsilon |f| / |f'''|)^{1/3}$; the forward difference bottoms
#   out at a larger error, near $h = (2\varepsilon |f| / |f''|)^{1/2}$, a step of the size of
#   $\sqrt{\varepsilon}$. The printed numbers above compare the predicted and measured best
#   steps.
# - **Why $h = 10^{-6}$ in the tests.** The default step sits slightly left of the central optimum,
#   on the round-off arm, where the error printed above is still orders of magnitude below the
#   test tolerance of $10^{-6}$. Moving $h$ by a factor of ten either way changes little; moving
#   it to $10^{-12}$ or to $10^{-2}$ would make the checker useless.
#
# Try it: change `f` or `x0`. A function with a large third derivative, like `(x * 5).tanh()`
# near 0.2, steepens the right arm and moves the optimum to smaller steps. And redo the
# arithmetic of the optimum with the float32 spacing $\varepsilon = 2^{-23}$ instead of
# $2^{-52}$: the best error a central difference can reach grows like $\varepsilon^{2/3}$, which
# is why the later chapters check gradients in float64 even though they train in float32.
