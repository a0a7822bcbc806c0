"""The scipy side of bench/predict_bench.ts: reads the synthetic customers
(float64 triples x, t_x, T), fits BG/NBD by maximum likelihood with
scipy.optimize.minimize (BFGS on log-parameters, numeric gradients, the
likelihood of tests/fixtures/predict/make_cdnow.py) on every customer, as
lifetimes does, and on the unique rows with weights; prints JSON."""
import json
import os
import sys
import time

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "predict"))
from make_cdnow import bgnbd_ll  # noqa: E402


def fit(x, tx, T, w):
    def nll(lp):
        return -np.sum(w * bgnbd_ll(np.exp(lp), x, tx, T))
    start = np.log([1.0, max(1e-3, np.average(T, weights=w)), 1.0, 1.0])
    t0 = time.perf_counter()
    res = minimize(nll, start, method="BFGS")
    return time.perf_counter() - t0, np.exp(res.x).tolist(), -res.fun, res.nfev


def main():
    data = np.fromfile(sys.argv[1], dtype=np.float64).reshape(-1, 3)
    x, tx, T = data[:, 0], data[:, 1], data[:, 2]
    every = fit(x, tx, T, np.ones_like(x))
    t0 = time.perf_counter()
    uniq, counts = np.unique(data, axis=0, return_counts=True)
    grouping = time.perf_counter() - t0
    unique = fit(uniq[:, 0], uniq[:, 1], uniq[:, 2], counts.astype(float))
    print(json.dumps({
        "every": {"seconds": every[0], "params": every[1], "logLik": every[2], "evaluations": every[3]},
        "unique": {"seconds": unique[0] + grouping, "params": unique[1], "logLik": unique[2],
                   "rows": int(len(uniq)), "evaluations": unique[3]},
    }))


if __name__ == "__main__":
    main()
