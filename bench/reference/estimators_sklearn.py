"""The scikit-learn side of the bench's estimator timings, on the exact data the TypeScript side used.

Reads X (float32, row-major, rows x cols) and y (one label per line) written by bench/classify.ts, then times
LogisticRegression().fit on all rows and KNeighborsClassifier().predict on the first --queries rows (after fit on
all rows), with scikit-learn's defaults, as the TypeScript estimators' defaults mirror them.
Prints one JSON line: {"sklearn": ..., "numpy": ..., "LogisticRegression.fit": s, ...}.
"""
import argparse
import json
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier


def seconds(work):
    t0 = time.perf_counter()
    result = work()
    return time.perf_counter() - t0, result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--x", required=True)
    ap.add_argument("--y", required=True)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--cols", type=int, required=True)
    ap.add_argument("--queries", type=int, default=1000)
    args = ap.parse_args()
    X = np.fromfile(args.x, dtype="<f4").reshape(args.rows, args.cols)
    with open(args.y) as f:
        y = np.array(f.read().split("\n")[: args.rows])
    warnings.simplefilter("ignore", ConvergenceWarning)
    lr_fit, lr = seconds(lambda: LogisticRegression().fit(X, y))
    knn_fit, knn = seconds(lambda: KNeighborsClassifier().fit(X, y))
    knn_predict, _ = seconds(lambda: knn.predict(X[: args.queries]))
    print(
        json.dumps(
            {
                "sklearn": sklearn.__version__,
                "numpy": np.__version__,
                "LogisticRegression.fit": lr_fit,
                "LogisticRegression.n_iter": int(lr.n_iter_[0]),
                "KNeighborsClassifier.fit": knn_fit,
                "KNeighborsClassifier.predict": knn_predict,
            }
        )
    )


if __name__ == "__main__":
    main()
