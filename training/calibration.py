"""Can the probabilities be trusted? A step of ``training.evaluate``: reliability (accuracy against
confidence, with the per-bin counts) and the expected calibration error (ECE), on the MNIST test set and
on the drawn digits (training/drawings.py, ``digits-report``); temperature scaling (Guo, Pleiss, Sun and
Weinberger, "On Calibration of Modern Neural Networks", ICML 2017) fitted on the validation split that
training held out (never the test set); and the coverage-accuracy curve of the "not sure" threshold.

The temperature is applied (by the reader, for the API and the UI alike: model/reader.py) only if it
lowers the validation NLL out of sample: fitted on each half of the validation split, it must lower the
NLL of the other half. A temperature fitted and judged on the same digits would always "lower" it.
"""

import numpy as np
from scipy.optimize import minimize_scalar

from model.classifier import softmax
from model.reading import UNCERTAIN_BELOW

BINS = 10                  # equal-width confidence bins over [0, 1]
THRESHOLDS = [round(t, 2) for t in np.arange(0.10, 1.0, 0.05)] + [0.97, 0.99, 0.995, 0.999]
TEMPERATURE_RANGE = (0.05, 20.0)
SPLIT_SEED = 5


def nll(logits, labels, temperature=1.0):
    """The mean negative log-likelihood of the labels under softmax(logits / temperature)."""
    scaled = np.asarray(logits, np.float64) / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(scaled).sum(axis=1))
    return float(np.mean(log_norm - scaled[np.arange(len(labels)), labels]))


def fit_temperature(logits, labels):
    """The temperature that minimises the NLL (a bounded 1-D search over its logarithm)."""
    found = minimize_scalar(lambda log_t: nll(logits, labels, np.exp(log_t)), bounds=np.log(TEMPERATURE_RANGE),
                            method="bounded", options={"xatol": 1e-4})
    return float(np.exp(found.x))


def reliability(probabilities, labels, bins=BINS):
    """Per equal-width confidence bin: its edges, count, mean confidence and accuracy; and the ECE (the
    count-weighted mean gap between accuracy and confidence)."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == np.asarray(labels)
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        inside = which == b
        count = int(inside.sum())
        mean_confidence = float(confidence[inside].mean()) if count else None
        accuracy = float(correct[inside].mean()) if count else None
        if count:
            ece += count / len(labels) * abs(accuracy - mean_confidence)
        table.append({"low": b / bins, "high": (b + 1) / bins, "count": count,
                      "confidence": mean_confidence, "accuracy": accuracy})
    return {"bins": table, "ece": float(ece), "count": int(len(labels)), "accuracy": float(correct.mean())}


def coverage_curve(probabilities, labels, thresholds=THRESHOLDS):
    """For each "not sure" threshold: the share answered (top probability at least it) and their accuracy."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == np.asarray(labels)
    points = []
    for threshold in sorted(set(thresholds) | {UNCERTAIN_BELOW}):
        answered = confidence >= threshold
        points.append({"threshold": float(threshold), "coverage": float(answered.mean()),
                       "accuracy": float(correct[answered].mean()) if answered.any() else None,
                       "errors_answered": int((answered & ~correct).sum())})
    return {"points": points, "current": UNCERTAIN_BELOW}


def judged_temperature(logits, labels):
    """The temperature fitted on all of ``logits`` and whether to apply it: fitted on each half, it must
    lower the other half's NLL (in sum)."""
    halves = np.array_split(np.random.default_rng(SPLIT_SEED).permutation(len(labels)), 2)
    before = after = 0.0
    for fit_on, judge_on in (halves, halves[::-1]):
        t = fit_temperature(logits[fit_on], labels[fit_on])
        before += nll(logits[judge_on], labels[judge_on]) * len(judge_on)
        after += nll(logits[judge_on], labels[judge_on], t) * len(judge_on)
    return fit_temperature(logits, labels), after < before, {"before": before / len(labels),
                                                             "after": after / len(labels)}


def calibration(validation, test, drawn, log=print):
    """The report's part. Each of ``validation``, ``test``, ``drawn`` is ``(logits (N, 10), labels (N,))``."""
    temperature, applied, cross_fitted = judged_temperature(*validation)
    summary = {"temperature": temperature, "applied": bool(applied), "bins": BINS,
               "validation": {"size": int(len(validation[1])), "nll_before": nll(*validation),
                              "nll_after": nll(*validation, temperature),
                              "cross_fitted_nll_before": cross_fitted["before"],
                              "cross_fitted_nll_after": cross_fitted["after"]}}
    for name, (logits, labels) in (("test", test), ("drawn", drawn)):
        before = reliability(softmax(logits), labels)
        after = reliability(softmax(logits / temperature), labels)
        summary[name] = {"before": before, "after": after}
    used = temperature if applied else 1.0
    summary["coverage"] = {"test": coverage_curve(softmax(test[0] / used), test[1]),
                           "drawn": coverage_curve(softmax(drawn[0] / used), drawn[1])}
    log(f"Calibration: temperature {temperature:.3f} ({'applied' if applied else 'not applied'}: cross-fitted "
        f"validation NLL {cross_fitted['before']:.4f} -> {cross_fitted['after']:.4f}); ECE test "
        f"{summary['test']['before']['ece']:.4f} -> {summary['test']['after']['ece']:.4f}, drawn "
        f"{summary['drawn']['before']['ece']:.4f} -> {summary['drawn']['after']['ece']:.4f}", flush=True)
    return summary
