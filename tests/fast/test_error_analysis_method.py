"""Issue 11's pure parts on small made-up data: confident learning and the nearest-neighbour votes
(training/label_issues.py), calibration (training/calibration.py), the map's label agreement
(training/digit_map.py), and the figures the Error-analysis tab draws from them."""

import numpy as np
import pytest

from dashboard.components import figures
from training import calibration, digit_map, label_issues


def contrast(colour, background="#ffffff"):
    def luminance(hex_colour):
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(colour), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# ---------------------------------------------------------------- confident learning

def noisy_problem(seed=0, n=600, flipped=12):
    """Probabilities that favour the true class, and labels of which ``flipped`` are wrong."""
    rng = np.random.default_rng(seed)
    true = rng.integers(0, 10, n)
    logits = rng.normal(0, 1, (n, 10))
    logits[np.arange(n), true] += 5
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = true.copy()
    wrong = rng.choice(n, flipped, replace=False)
    labels[wrong] = (true[wrong] + rng.integers(1, 10, flipped)) % 10
    return probabilities, labels, true, wrong


def test_thresholds_are_each_classes_mean_self_confidence():
    probabilities = np.array([[0.9, 0.1] + [0] * 8, [0.7, 0.3] + [0] * 8, [0.2, 0.8] + [0] * 8])
    thresholds = label_issues.per_class_thresholds(probabilities, np.array([0, 0, 1]))
    assert thresholds[:2] == pytest.approx([0.8, 0.8])
    assert thresholds[2:] == pytest.approx([1.0] * 8)     # no digit carries the label: nothing clears it


def test_the_confident_joint_counts_given_against_confident_class():
    probabilities, labels, true, wrong = noisy_problem()
    joint = label_issues.confident_joint(probabilities, labels)
    assert joint.shape == (10, 10)
    assert joint.sum() <= len(labels)
    confident = label_issues.confident_classes(probabilities, labels)
    off = (confident >= 0) & (confident != labels)
    assert joint.sum() - np.trace(joint) == off.sum()
    assert set(np.flatnonzero(off)) <= set(wrong.tolist()) | set(np.flatnonzero(probabilities.argmax(1) != true))


def test_flipped_labels_rank_first():
    probabilities, labels, _, wrong = noisy_problem()
    order, suggested, margin, flagged = label_issues.rank(probabilities, labels)
    assert set(order[:len(wrong)].tolist()) == set(wrong.tolist())
    assert (margin[wrong] > 0).all() and flagged[wrong].sum() >= len(wrong) // 2
    top = order[0]
    assert suggested[top] != labels[top] and suggested[top] == probabilities[top].argmax()


def test_the_issue_list_is_bounded_and_ordered():
    probabilities, labels, _, wrong = noisy_problem(seed=3, n=400, flipped=30)
    issues, flagged = label_issues.find_label_issues({"a": probabilities, "b": probabilities}, labels, limit=20,
                                                     names=("a", "b"))
    assert len(issues) == 20 and flagged >= 15
    assert set(issues[0]) == {"index", "given", "suggested", "score"}
    assert all(issue["index"] in wrong for issue in issues)
    assert all(issue["given"] == labels[issue["index"]] != issue["suggested"] for issue in issues)
    scores = [issue["score"] for issue in issues[:flagged]]     # the confident joint's own, by margin
    assert scores == sorted(scores, reverse=True)


def test_a_signal_that_disagrees_with_the_label_outvotes_one_that_agrees():
    labels = np.array([3] * 5)
    agrees = np.tile(np.eye(10)[3] * 0.9 + 0.01, (5, 1))
    disagrees = agrees.copy()
    disagrees[2] = np.eye(10)[8] * 0.9 + 0.01
    signals = {"a": agrees, "b": disagrees, "c": disagrees}
    order = label_issues.rank(label_issues.combine(signals, ("a", "b", "c")), labels)[0]
    assert order[0] == 2


def test_neighbour_votes_weigh_by_rank():
    bank = np.array([[0.0], [1.0], [2.0], [10.0]])
    votes, labels = label_issues.neighbour_votes(bank, np.array([4, 4, 7, 1]), np.array([[0.1], [9.0]]), k=3)
    assert labels[0].tolist() == [4, 4, 7] and labels[1].tolist() == [1, 7, 4]
    assert votes.sum(axis=1) == pytest.approx([1, 1])
    assert votes[0, 4] == pytest.approx((1 + 1 / 2) / (1 + 1 / 2 + 1 / 3))
    unit = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    votes, labels = label_issues.neighbour_votes(unit, np.array([0, 1, 2]), np.array([[0.0, 1.0]]), k=2,
                                                 metric="cosine")
    assert labels[0].tolist() == [1, 2]


# ---------------------------------------------------------------- calibration

def test_temperature_scaling_recovers_a_known_temperature():
    rng = np.random.default_rng(1)
    logits = rng.normal(0, 3, (4000, 10))
    probabilities = np.exp(logits / 2.0) / np.exp(logits / 2.0).sum(axis=1, keepdims=True)
    labels = np.array([rng.choice(10, p=p) for p in probabilities])
    assert calibration.fit_temperature(logits, labels) == pytest.approx(2.0, rel=0.1)
    temperature, applied, cross_fitted = calibration.judged_temperature(logits, labels)
    assert applied and cross_fitted["after"] < cross_fitted["before"]
    assert calibration.nll(logits, labels, temperature) < calibration.nll(logits, labels)


def test_a_calibrated_model_is_not_rescaled():
    rng = np.random.default_rng(2)
    logits = rng.normal(0, 3, (600, 10))
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = np.array([rng.choice(10, p=p) for p in probabilities])
    temperature, _, _ = calibration.judged_temperature(logits, labels)
    assert temperature == pytest.approx(1.0, abs=0.2)


def test_reliability_bins_and_ece():
    probabilities = np.full((4, 10), 0.0)
    probabilities[:, 0] = [0.95, 0.95, 0.55, 0.55]
    probabilities[:, 1] = 1 - probabilities[:, 0]
    table = calibration.reliability(probabilities, np.array([0, 1, 0, 0]))
    top, middle = table["bins"][9], table["bins"][5]
    assert (top["count"], top["accuracy"], top["confidence"]) == (2, 0.5, pytest.approx(0.95))
    assert (middle["count"], middle["accuracy"]) == (2, 1.0)
    assert sum(b["count"] for b in table["bins"]) == 4
    assert table["ece"] == pytest.approx(0.5 * 0.45 + 0.5 * 0.45)


def test_the_coverage_curve_trades_answers_for_accuracy():
    probabilities, labels, _, _ = noisy_problem(seed=4)
    curve = calibration.coverage_curve(probabilities, labels)
    points = curve["points"]
    assert curve["current"] == 0.6 and any(p["threshold"] == 0.6 for p in points)
    coverage = [p["coverage"] for p in points]
    assert coverage == sorted(coverage, reverse=True) and coverage[0] <= 1
    answered = [p for p in points if p["accuracy"] is not None]
    assert answered[-1]["accuracy"] >= answered[0]["accuracy"]


# ---------------------------------------------------------------- the map's agreement and the figures

def test_map_agreement_counts_same_label_neighbours():
    rng = np.random.default_rng(5)
    labels = np.repeat(np.arange(3), 50)
    clustered = rng.normal(0, 0.05, (150, 2)) + labels[:, None] * 5
    assert digit_map.label_agreement(clustered, labels) == 1.0
    mixed = rng.normal(0, 1, (150, 2))
    assert digit_map.label_agreement(mixed, labels) < 0.6


def test_the_map_palette_is_at_least_3_to_1_on_white_and_distinct():
    assert len(set(figures.MAP_PALETTE)) == 10
    assert min(contrast(colour) for colour in figures.MAP_PALETTE) >= 3.0


def test_the_map_figure_has_a_trace_per_digit_then_the_marks():
    rng = np.random.default_rng(6)
    labels = np.repeat(np.arange(10), 20)
    predicted = labels.copy()
    predicted[:3] = 9
    suspected = np.zeros(200, bool)
    suspected[[5, 50]] = True
    figure = figures.test_map_figure(rng.random((200, 2)), labels, predicted, suspected)
    traces = figure["data"]
    assert [t["type"] for t in traces] == ["scattergl"] * 13
    assert sorted(sum((t["customdata"] for t in traces[:10]), [])) == list(range(200))
    assert traces[10]["customdata"] == [0, 1, 2] and traces[11]["customdata"] == [5, 50]
    assert traces[figures.MAP_DRAWING_TRACE]["name"] == "your drawing" and traces[12]["x"] == []
    assert len({t["marker"].get("symbol", "circle") for t in traces[10:]}) == 3      # shapes, not only colour
    assert [a["text"] for a in figure["layout"]["annotations"]] == [f"<b>{d}</b>" for d in range(10)]
    assert figure["layout"]["dragmode"] == "select"


def small_calibration():
    probabilities, labels, _, _ = noisy_problem(seed=7)
    table = calibration.reliability(probabilities, labels)
    curve = calibration.coverage_curve(probabilities, labels)
    return {"test": {"before": table, "after": table}, "drawn": {"before": table, "after": table},
            "coverage": {"test": curve, "drawn": curve}}


def test_the_reliability_figure_shows_every_filled_bin_with_its_count():
    cal = small_calibration()
    figure = figures.reliability_figure(cal)
    test_bars = next(t for t in figure["data"] if t.get("name") == "MNIST test")
    filled = [b for b in cal["test"]["before"]["bins"] if b["count"]]
    assert test_bars["text"] == [f"{b['count']:,}" for b in filled]
    assert test_bars["y"] == [round(b["accuracy"], 4) for b in filled]
    assert figure["data"][0]["x"] == [0, 1]      # the diagonal


def test_the_coverage_figure_marks_todays_threshold():
    figure = figures.coverage_figure(small_calibration()["coverage"])
    names = [t["name"] for t in figure["data"]]
    assert "MNIST test" in names and any(name.startswith("today (60%)") for name in names)
    assert figure["layout"]["annotations"][0]["text"] == "today: not sure below 60%"
