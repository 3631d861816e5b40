"""The grading engine: the judge, the student's kernel, the sandbox and the checks' toolkit.

Importing it keeps this process's numeric libraries to one thread, as :mod:`kernel` does for the
student's kernel. The judge's own numpy work is small: with a thread per core, OpenBLAS's
threads spin between calls and cost more CPU than they save (measured for HW0: the judge's
checks took 0.56 CPU-s with its default threads, 0.30 with one). One thread also makes the
judge's expected values independent of the grading machine's core count. It works only when
the engine is imported before numpy, as every grading entry point does.
"""

import os

ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
os.environ.update(ONE_THREAD)
