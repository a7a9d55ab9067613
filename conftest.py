"""pytest's root configuration: one BLAS thread for every test session (`pytest` or `make test`).

numpy reads the setting when it is first imported, which in a test session happens before
neural_lm.py could ask for it. Small matrices gain nothing from a second thread, and on a busy
2-core machine two threads waiting for each other make training steps many times slower.
"""

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
