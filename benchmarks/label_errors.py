"""python -m benchmarks.label_errors: the held-out yardstick of the suspected label errors (issue 11).

    python -m benchmarks.label_errors

The HELD-OUT YARDSTICK, never an input: the 15 MNIST test digits whose label people found wrong (Northcutt,
Athalye and Mueller, "Pervasive Label Errors in Test Sets Destabilize Machine Learning Benchmarks", NeurIPS 2021
Datasets and Benchmarks). Source: github.com/cleanlab/label-errors, ``mturk/mnist_mturk.json`` at commit
5457895eee26e49187de5c4d6617b9de6f172221: of the 100 candidates five Mechanical Turk workers reviewed, the
entries where fewer than 3 of the 5 accepted the given label (10 correctable, 2 without agreement, 3 "neither",
the paper's own split). Indices are 0-based positions in the t10k files, the order ``model.mnist`` loads.

The method (training/label_issues.py) never reads this list and was not tuned against it: its weights were
fixed beforehand and its ranking chosen by the planted check (tests/model/test_label_issues.py); this script
measures it once, from the report ``training.evaluate`` wrote. It prints where each validated error ranks,
the recall in the top 50 of each signal alone and of the combination, and for comparison the model's own
self-confidence (the lowest probability of the given label first).

The last line: ``validated_in_top50=… of 15 (goal 8) model_self_confidence_in_top50=…``.
"""

import numpy as np

from model.artifacts import DEFAULT_MODEL_PATH
from model.report import EvaluationReport
from training import label_issues

# (test index, given label) of the 15 human-validated label errors: the yardstick only.
VALIDATED = ((947, 8), (1621, 0), (1901, 9), (2130, 4), (2462, 2), (2597, 5), (2654, 6), (3520, 6), (3558, 5),
             (5937, 5), (6651, 0), (6783, 1), (8527, 4), (9679, 6), (9729, 5))
TOP = 50
GOAL = 8


def main():
    report = EvaluationReport.load(DEFAULT_MODEL_PATH)
    if "label_issues" not in report.summary:
        raise SystemExit("The report has no suspected label errors: run `python -m training.evaluate`.")
    labels = report.labels.astype(np.int64)
    assert all(labels[index] == given for index, given in VALIDATED), "not the t10k order"
    signals = {"model": report.probabilities, **report.label_signals}
    validated = [index for index, _ in VALIDATED]

    order, suggested, margin, _ = label_issues.rank(label_issues.combine(signals), labels)
    place = np.empty(len(order), int)
    place[order] = np.arange(1, len(order) + 1)
    print(f"The method's ranking (training/label_issues.py, {', '.join(label_issues.SIGNALS)}):")
    for index, given in VALIDATED:
        print(f"  #{index:<5} labelled {given}: rank {place[index]:>5}, suggested {suggested[index]}, "
              f"margin {margin[index]:+.3f}{'   in the top 50' if place[index] <= TOP else ''}")

    print(f"Validated errors in the top {TOP}, each signal alone and all together:")
    found = {}
    for name, names in [(name, (name,)) for name in label_issues.SIGNALS] + [("combined", label_issues.SIGNALS)]:
        found[name] = label_issues.recall_at(signals, labels, validated, TOP, names)
        print(f"  {name:<22} {found[name]:>2} of {len(VALIDATED)}")
    self_confidence = np.argsort(report.probabilities[np.arange(len(labels)), labels], kind="stable")[:TOP]
    by_self_confidence = len(set(self_confidence.tolist()) & set(validated))
    print(f"  the model's self-confidence alone (lowest p(given) first): {by_self_confidence} of {len(VALIDATED)}")
    listed = {issue["index"] for issue in report.label_issues}
    print(f"In the report's list of {len(listed)}: {len(listed & set(validated))} of {len(VALIDATED)}")
    met = found["combined"] >= GOAL
    print(f"  {'met ' if met else 'MISSED'} at least {GOAL} of {len(VALIDATED)} in the top {TOP}")
    print(f"validated_in_top50={found['combined']} of {len(VALIDATED)} (goal {GOAL}) "
          f"model_self_confidence_in_top50={by_self_confidence}")


if __name__ == "__main__":
    main()
