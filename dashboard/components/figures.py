"""Small pure builders: arrays and numbers in, Plotly figure dicts out.

Figures are plain dicts of plain lists: ``go.Figure`` validation and numpy-aware JSON encoding
cost more than the model's answer, and a drawing must be answered within a few milliseconds.
"""

import numpy as np

ACCENT = "#4f46e5"
TARGET = "#f59e0b"             # outline of the bar whose saliency is shown, when not the prediction
BAR = "#cbd5e1"
EMPTY_CELL = "#f8fafc"
# A count of zero is plain grey; the scale jumps to a visible tint for the first digit.
CORRECT_SCALE = [[0, EMPTY_CELL], [0.001, "#e0e7ff"], [1, "#4f46e5"]]
ERROR_SCALE = [[0, EMPTY_CELL], [0.001, "#fecdd3"], [1, "#e11d48"]]
TRAIN_LINE, VALIDATION_LINE = "#94a3b8", ACCENT
FONT = {"family": "Inter, system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12, "color": "#334155"}
GRAPH_CONFIG = {"displayModeBar": False, "responsive": True}


def _layout(**overrides):
    layout = {
        "margin": {"l": 40, "r": 10, "t": 10, "b": 36},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": FONT,
        "showlegend": False,
    }
    layout.update(overrides)
    return layout


def _digit_axis(title=None):
    axis = {"tickmode": "array", "tickvals": list(range(10)), "fixedrange": True, "showgrid": False,
            "zeroline": False}
    if title:
        axis["title"] = {"text": title}
    return axis


def bar_outline(predicted, target):
    """Widths of the bar outlines: the explained class is outlined when it is not the prediction."""
    return [3 if target is not None and digit == target and digit != predicted else 0 for digit in range(10)]


def probability_figure(probabilities, predicted=None, target=None):
    """The ten probabilities as bars, the predicted one in the accent colour; click a bar to explain it."""
    values = [round(float(p), 4) for p in probabilities]
    return {
        "data": [{
            "type": "bar",
            "x": list(range(10)),
            "y": values,
            "marker": {
                "color": [ACCENT if digit == predicted else BAR for digit in range(10)],
                "line": {"color": TARGET, "width": bar_outline(predicted, target)},
            },
            "text": [f"{p:.0%}" if p >= 0.005 else "" for p in values],
            "textposition": "outside",
            "cliponaxis": False,
            "hovertemplate": "P(%{x}) = %{y:.2%}<extra>click: why %{x}?</extra>",
        }],
        "layout": _layout(
            height=210,
            xaxis=_digit_axis(),
            yaxis={"range": [0, 1.12], "tickformat": ".0%", "fixedrange": True, "gridcolor": "#eef2f7",
                   "tickvals": [0, 0.5, 1]},
            bargap=0.22,
            hovermode="x",   # a click anywhere in a column picks its class, however short the bar
        ),
    }


def per_class_accuracy_figure(per_class_accuracy):
    accuracy = [round(float(a), 5) for a in per_class_accuracy]
    low = min(accuracy) if accuracy else 0.9
    return {
        "data": [{
            "type": "bar",
            "x": list(range(len(accuracy))),
            "y": accuracy,
            "marker": {"color": ACCENT},
            "text": [f"{a:.1%}" for a in accuracy],
            "textposition": "outside",
            "textfont": {"size": 11},
            "constraintext": "none",      # the same size over every bar, 100.0% included
            "cliponaxis": False,
            "hovertemplate": "digit %{x}: %{y:.2%} correct<extra></extra>",
        }],
        "layout": _layout(
            height=260,
            xaxis=_digit_axis("true digit"),
            yaxis={"range": [max(0.0, low - (1 - low) * 1.5 - 0.005), 1.0], "tickformat": ".0%",
                   "fixedrange": True, "gridcolor": "#eef2f7"},
            margin={"l": 48, "r": 10, "t": 24, "b": 44},
        ),
    }


def confusion_figure(confusion_matrix):
    """The confusion matrix: correct counts on the diagonal in the accent scale, mistakes in rose.

    Colour follows log(1 + count), so a single mistake is still visible beside a thousand hits;
    the counts themselves are written in the cells. Click a cell to see its digits.
    """
    counts = np.asarray(confusion_matrix, np.int64)
    on_diagonal = np.eye(len(counts), dtype=bool)
    shade = np.log1p(counts)

    def trace(mask, colorscale, label):
        z = [[round(float(shade[t, p]), 3) if mask[t, p] else None for p in range(10)] for t in range(10)]
        text = [[str(counts[t, p]) if mask[t, p] and counts[t, p] else "" for p in range(10)] for t in range(10)]
        return {
            "type": "heatmap", "x": list(range(10)), "y": list(range(10)), "z": z, "text": text,
            "texttemplate": "%{text}", "colorscale": colorscale, "showscale": False, "xgap": 2, "ygap": 2,
            "zmin": 0, "zmax": round(float(shade[mask].max()) if mask.any() else 1.0, 3) or 1.0,
            "hovertemplate": f"true %{{y}}, predicted %{{x}}: %{{text}} {label}<extra>click for the digits</extra>",
        }

    return {
        "data": [trace(on_diagonal, CORRECT_SCALE, "correct"), trace(~on_diagonal, ERROR_SCALE, "mistaken")],
        "layout": _layout(
            height=400,
            xaxis=_digit_axis("predicted digit") | {"side": "top", "constrain": "domain"},
            yaxis=_digit_axis("true digit") | {"autorange": "reversed", "scaleanchor": "x"},
            margin={"l": 48, "r": 10, "t": 48, "b": 10},
        ),
    }


def training_curves_figure(curves):
    """Loss and accuracy per epoch, training and validation, side by side."""
    def line(key, axis, name, colour, dash="solid"):
        values = [round(float(v), 5) for v in curves.get(key) or []]
        return {
            "type": "scatter", "mode": "lines+markers", "name": name, "x": list(range(1, len(values) + 1)),
            "y": values, "xaxis": f"x{axis}", "yaxis": f"y{axis}", "line": {"color": colour, "dash": dash},
            "marker": {"size": 5}, "legendgroup": name, "showlegend": axis == "",
            "hovertemplate": f"{name}, epoch %{{x}}: %{{y:.4f}}<extra></extra>",
        }

    grid = {"gridcolor": "#eef2f7", "zeroline": False}
    return {
        "data": [
            line("loss", "", "training", TRAIN_LINE), line("val_loss", "", "validation", VALIDATION_LINE),
            line("accuracy", "2", "training", TRAIN_LINE), line("val_accuracy", "2", "validation", VALIDATION_LINE),
        ],
        "layout": _layout(
            height=280,
            showlegend=True,
            legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": 1.14},
            xaxis={"domain": [0, 0.45], "title": {"text": "epoch"}, **grid},
            xaxis2={"domain": [0.55, 1], "title": {"text": "epoch"}, "anchor": "y2", **grid},
            yaxis={"title": {"text": "loss"}, "type": "log", "dtick": 1, "tickformat": "~g", **grid},
            yaxis2={"title": {"text": "accuracy"}, "tickformat": ".1%", "anchor": "x2", **grid},
            margin={"l": 56, "r": 10, "t": 40, "b": 44},
        ),
    }
