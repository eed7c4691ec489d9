"""Small pure builders: arrays and numbers in, Plotly figure dicts out.

Figures are plain dicts of plain lists: ``go.Figure`` validation and numpy-aware JSON encoding
cost more than the model's answer, and a drawing must be answered within a few milliseconds.
"""

import numpy as np

ACCENT = "#4f46e5"
EMPTY_CELL = "#f8fafc"
# A count of zero is plain grey; the scale jumps to a visible tint for the first digit. Each scale keeps
# its own text colour readable (at least 4.5:1) from end to end, and the two read apart in greyscale:
# correct counts white on deep indigo, mistakes dark red on pale to mid rose.
CORRECT_SCALE = [[0, EMPTY_CELL], [0.001, "#4338ca"], [1, "#312e81"]]
ERROR_SCALE = [[0, EMPTY_CELL], [0.001, "#ffe4e6"], [1, "#fda4af"]]
CORRECT_TEXT, ERROR_TEXT = "#ffffff", "#881337"
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


def per_class_accuracy_figure(per_class_accuracy):
    """Each digit's error rate, from zero: the honest axis for accuracies that all sit near 100%."""
    errors = [round(1 - float(a), 5) for a in per_class_accuracy]
    return {
        "data": [{
            "type": "bar",
            "x": list(range(len(errors))),
            "y": errors,
            "marker": {"color": ACCENT},
            "text": [f"{e:.1%}" for e in errors],
            "textposition": "outside",
            "textfont": {"size": 11},
            "constraintext": "none",
            "cliponaxis": False,
            "hovertemplate": "digit %{x}: %{y:.2%} of its test digits misread<extra></extra>",
        }],
        "layout": _layout(
            height=260,
            xaxis=_digit_axis("true digit"),
            yaxis={"range": [0, max(errors + [0.01]) * 1.25], "tickformat": ".1%", "rangemode": "tozero",
                   "fixedrange": True, "gridcolor": "#eef2f7", "title": {"text": "misread"}},
            margin={"l": 56, "r": 10, "t": 24, "b": 44},
        ),
    }


def confusion_figure(confusion_matrix):
    """The confusion matrix: correct counts on the diagonal in deep indigo, mistakes in rose.

    Colour follows log(1 + count), so a single mistake is still visible beside a thousand hits;
    the counts themselves are written in the cells. Click a cell to see its digits.
    """
    counts = np.asarray(confusion_matrix, np.int64)
    on_diagonal = np.eye(len(counts), dtype=bool)
    shade = np.log1p(counts)

    def trace(mask, colorscale, text_colour, label):
        z = [[round(float(shade[t, p]), 3) if mask[t, p] else None for p in range(10)] for t in range(10)]
        text = [[str(counts[t, p]) if mask[t, p] and counts[t, p] else "" for p in range(10)] for t in range(10)]
        return {
            "type": "heatmap", "x": list(range(10)), "y": list(range(10)), "z": z, "text": text,
            "texttemplate": "%{text}", "textfont": {"color": text_colour, "size": 11},
            "colorscale": colorscale, "showscale": False, "xgap": 2, "ygap": 2,
            "zmin": 0, "zmax": round(float(shade[mask].max()) if mask.any() else 1.0, 3) or 1.0,
            "hovertemplate": f"true %{{y}}, predicted %{{x}}: %{{text}} {label}<extra>click for the digits</extra>",
        }

    return {
        "data": [trace(on_diagonal, CORRECT_SCALE, CORRECT_TEXT, "correct"),
                 trace(~on_diagonal, ERROR_SCALE, ERROR_TEXT, "mistaken")],
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


# ---------------------------------------------------------------- error analysis: map, calibration (issue 11)

# One colour per true digit, each at least 3:1 on white (tests/fast/test_error_figures.py); ten hues cannot all
# stay apart for colour-blind eyes, so each cluster is also named by its digit, and the marked digits
# (misclassified, suspected label errors, the drawing) differ by shape.
MAP_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#332288",
               "#8C6D00", "#882255", "#5D5D5D", "#0F8B8D", "#AA4499")
MARK_INK = "#0f172a"
# editSelection off: dragging on the map always draws a new box, never moves the last one.
MAP_CONFIG = {"displayModeBar": True, "displaylogo": False, "responsive": True, "editSelection": False,
              "modeBarButtonsToRemove": ["toImage", "autoScale2d", "zoomIn2d", "zoomOut2d"]}
MAP_LAYERS = ("misclassified", "suspected label error", "your drawing")
MAP_DRAWING_TRACE = 12     # the index of the "your drawing" trace: 10 digits, then MAP_LAYERS in order


def test_map_figure(xy, labels, predicted, suspected):
    """The map of the test set: a WebGL scatter, one trace per true digit (each point's customdata is its
    test index), then the misclassified digits (crosses), the suspected label errors (rings) and the
    drawing (a star, empty until placed); each digit's name over its cluster. UMAP's axes mean nothing, so
    they are hidden and the map fills the card (no fixed aspect)."""
    xy = np.round(np.asarray(xy, np.float64), 4)
    labels, predicted, suspected = np.asarray(labels), np.asarray(predicted), np.asarray(suspected, bool)

    def points(mask):
        chosen = np.flatnonzero(mask)
        return {"x": xy[chosen, 0].tolist(), "y": xy[chosen, 1].tolist(), "customdata": chosen.tolist()}

    common = {"type": "scattergl", "mode": "markers", "hoverinfo": "none"}
    traces = [{**common, **points(labels == digit), "name": f"labelled {digit}",
               "marker": {"size": 4, "color": MAP_PALETTE[digit], "opacity": 0.75}} for digit in range(10)]
    traces.append({**common, **points(labels != predicted), "name": "misclassified",
                   "marker": {"size": 8, "symbol": "x-thin-open", "color": MARK_INK, "line": {"width": 2}}})
    traces.append({**common, **points(suspected), "name": "suspected label error",
                   "marker": {"size": 13, "symbol": "circle-open", "color": MARK_INK, "line": {"width": 2}}})
    traces.append({**common, "x": [], "y": [], "name": "your drawing", "hoverinfo": "skip",
                   "marker": {"size": 22, "symbol": "star", "color": ACCENT, "line": {"width": 1.5, "color": "#fff"}}})
    names = []
    for digit in range(10):
        inside = labels == digit
        if inside.any():
            x, y = np.median(xy[inside, 0]), np.percentile(xy[inside, 1], 95)
            names.append({"x": round(float(x), 4), "y": round(float(y), 4), "text": f"<b>{digit}</b>", "yshift": 14,
                          "showarrow": False, "font": {"size": 17, "color": MARK_INK},
                          "bgcolor": "rgba(255,255,255,0.8)", "borderpad": 2})
    hidden = {"visible": False, "fixedrange": False}
    return {
        "data": traces,
        "layout": _layout(
            height=460, showlegend=True, dragmode="select", hovermode="closest", uirevision="map",
            modebar={"bgcolor": "rgba(255,255,255,0.6)", "color": "#4f5d73", "activecolor": ACCENT},
            legend={"orientation": "h", "x": 0, "y": -0.02, "yanchor": "top", "font": {"size": 11},
                    "itemsizing": "constant"},
            xaxis=hidden, yaxis=hidden, annotations=names,
            margin={"l": 4, "r": 4, "t": 4, "b": 4},
        ),
    }


def reliability_figure(calibration):
    """Accuracy against confidence per confidence bin, for the test set and the drawn digits, with each
    bin's count over its bar, and the diagonal a calibrated model would follow."""
    colours = {"test": ACCENT, "drawn": "#b45309"}
    traces = [{"type": "scatter", "mode": "lines", "x": [0, 1], "y": [0, 1], "name": "calibrated",
               "line": {"color": "#64748b", "dash": "dot"}, "hoverinfo": "skip"}]
    for name, label in (("test", "MNIST test"), ("drawn", "drawn digits")):
        bins = [b for b in calibration.get(name, {}).get("before", {}).get("bins", []) if b["count"]]
        traces.append({
            "type": "bar", "name": label, "x": [round((b["low"] + b["high"]) / 2, 3) for b in bins],
            "y": [round(b["accuracy"], 4) for b in bins], "width": 0.045, "offset": -0.045 if name == "test" else 0,
            "marker": {"color": colours[name]}, "text": [f"{b['count']:,}" for b in bins], "textposition": "outside",
            "textfont": {"size": 10}, "textangle": -90, "cliponaxis": False, "constraintext": "none",
            "customdata": [[round(b["confidence"], 4), b["count"]] for b in bins],
            "hovertemplate": f"{label}: confidence %{{customdata[0]:.1%}}, accuracy %{{y:.1%}}, "
                             "%{customdata[1]:,} digits<extra></extra>",
        })
    return {"data": traces, "layout": _layout(
        height=300, showlegend=True, legend={"orientation": "h", "x": 0, "y": 1.12},
        xaxis={"title": {"text": "confidence (top probability)"}, "range": [0, 1.02], "tickformat": ".0%",
               "dtick": 0.2, "fixedrange": True, "gridcolor": "#eef2f7"},
        yaxis={"title": {"text": "accuracy"}, "range": [0, 1.3], "tickvals": [0, 0.2, 0.4, 0.6, 0.8, 1.0],
               "tickformat": ".0%", "fixedrange": True, "gridcolor": "#eef2f7"},
        margin={"l": 52, "r": 10, "t": 34, "b": 44})}


def coverage_figure(coverage):
    """The "not sure" threshold's trade: the share of digits answered against their accuracy, one point per
    threshold, for the test set and the drawn digits; today's threshold marked."""
    colours = {"test": ACCENT, "drawn": "#b45309"}
    traces, marks, notes = [], [], []
    for name, label in (("test", "MNIST test"), ("drawn", "drawn digits")):
        curve = coverage.get(name)
        if not curve:
            continue
        points = [p for p in curve["points"] if p["accuracy"] is not None]
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": label, "line": {"color": colours[name]},
            "marker": {"size": 5, "symbol": "circle" if name == "test" else "square"},
            "x": [round(p["coverage"], 5) for p in points], "y": [round(p["accuracy"], 5) for p in points],
            "customdata": [p["threshold"] for p in points],
            "hovertemplate": f"{label}: not sure below %{{customdata:.1%}}: %{{x:.2%}} answered, "
                             "%{y:.2%} of them right<extra></extra>",
        })
        current = next((p for p in points if p["threshold"] == curve["current"]), None)
        if current:
            if not notes:
                notes.append({"x": round(current["coverage"], 5), "y": round(current["accuracy"], 5), "ax": 60,
                              "ay": 30, "xanchor": "left", "text": f"today: not sure below {curve['current']:.0%}",
                              "showarrow": True,
                              "arrowhead": 0, "font": {"size": 11, "color": MARK_INK}})
            marks.append({"type": "scatter", "mode": "markers", "name": f"today ({curve['current']:.0%}), {label}",
                          "showlegend": False,
                          "x": [round(current["coverage"], 5)], "y": [round(current["accuracy"], 5)],
                          "marker": {"size": 14, "symbol": "diamond-open", "color": MARK_INK, "line": {"width": 2}},
                          "hovertemplate": f"today's threshold, {curve['current']:.0%}: %{{x:.2%}} answered, "
                                           "%{y:.2%} right<extra></extra>"})
    grid = {"gridcolor": "#eef2f7", "fixedrange": True, "tickformat": ".1%"}
    lowest = min((x for trace in traces for x in trace["x"]), default=0.9)
    return {"data": traces + marks, "layout": _layout(
        height=300, showlegend=True, legend={"orientation": "h", "x": 0, "y": 1.14, "font": {"size": 11}},
        annotations=notes,
        # Reversed (a higher threshold answers fewer), and never past 100% answered.
        xaxis={"title": {"text": "share answered (the rest: not sure)"},
               "range": [1.0 + (1 - lowest) * 0.04, lowest - (1 - lowest) * 0.04], **grid},
        yaxis={"title": {"text": "accuracy of the answered"}, **grid},
        margin={"l": 60, "r": 10, "t": 34, "b": 44})}
