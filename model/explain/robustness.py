"""Robustness probes: the model's answer under small changes of its 28x28 input.

The changes are made to the model input itself, after the MNIST recipe (which would undo a change of
scale or position made to the drawing before it), along four axes:

    rotation    -30 to +30 degrees, every 5 (positive turns the digit anticlockwise)
    scale       0.7 to 1.3, every 0.05, about the centre (where the recipe puts the centre of mass)
    thickness   -2 to +2: thinner, the faint edge cut away (-1: ink under half the darkest cut, the rest
                stretched back to full strength), then
                a grey erosion by a cross brought back to the input's full strength (-2; plain erosion
                leaves MNIST's two-pixel strokes too faint to read); thicker, a grey dilation by a
                cross (+1) or a 3x3 square (+2)
    shift       up to 4 pixels each way: a horizontal sweep [dx, 0], then a vertical one [0, dy]
                (positive dx moves right, positive dy moves down)

All variants are made and read in one graph call, as one batch: rotation, scale and shift are
bilinear resamplings whose taps and weights are tabulated once, so the graph only gathers and sums;
thinning and thickening are minima and maxima of shifted copies. The unchanged input (rotation 0,
scale 1, thickness 0, shift [0, 0]) is read once, in row 0, and shared by every axis: 45 rows in all.
"""

from dataclasses import dataclass

import numpy as np

ROTATIONS = tuple(range(-30, 31, 5))
SCALES = tuple(round(0.7 + 0.05 * i, 2) for i in range(13))
THICKNESS = (-2, -1, 0, 1, 2)
SHIFTS = tuple((dx, 0) for dx in range(-4, 5)) + tuple((0, dy) for dy in range(-4, 5))
CENTRE = 13.5   # in pixel indices: where the recipe puts the centre of mass


@dataclass
class Axis:
    values: list                 # one per variant: a number, or [dx, dy] for a shift
    probabilities: np.ndarray    # (variants, 10) float32
    images: np.ndarray           # (variants, 28, 28) float32: what the model read

    @property
    def digits(self):
        return self.probabilities.argmax(axis=1)


@dataclass
class Robustness:
    axes: dict                   # "rotation", "scale", "thickness", "shift" -> Axis, in that order

    def __getitem__(self, name):
        return self.axes[name]


def _warps():
    """Each warped variant as ``(axis, value, matrix, shift)``, meaning
    output = matrix (source - centre) + centre + shift, in (x, y) pixels with y down."""
    warps = []
    for degrees in ROTATIONS:
        angle = np.radians(degrees)
        warps.append(("rotation", degrees, np.array([[np.cos(angle), np.sin(angle)],
                                                     [-np.sin(angle), np.cos(angle)]]), (0, 0)))
    warps += [("scale", scale, np.eye(2) * scale, (0, 0)) for scale in SCALES]
    warps += [("shift", shift, np.eye(2), shift) for shift in SHIFTS]
    return [warp for warp in warps if not (np.array_equal(warp[2], np.eye(2)) and warp[3] == (0, 0))]


def _bilinear_taps(warps):
    """Per warp and output pixel, four source indices into the flattened input (784: a zero pixel
    past its end, for sources outside it) and their weights: ``(W, 784, 4)`` int32 and float32."""
    rows, columns = np.mgrid[0:28, 0:28].astype(np.float64)
    out = np.stack([columns.ravel() - CENTRE, rows.ravel() - CENTRE])
    indices, weights = [], []
    for _, _, matrix, shift in warps:
        x, y = np.linalg.solve(matrix, out - np.array(shift, np.float64)[:, None]) + CENTRE
        x0, y0 = np.floor(x), np.floor(y)
        fx, fy = x - x0, y - y0
        taps = [(y0, x0, (1 - fy) * (1 - fx)), (y0, x0 + 1, (1 - fy) * fx),
                (y0 + 1, x0, fy * (1 - fx)), (y0 + 1, x0 + 1, fy * fx)]
        inside = [(ty >= 0) & (ty < 28) & (tx >= 0) & (tx < 28) for ty, tx, _ in taps]
        indices.append(np.stack([np.where(ok, ty * 28 + tx, 784) for ok, (ty, tx, _) in zip(inside, taps)], axis=1))
        weights.append(np.stack([w for _, _, w in taps], axis=1))
    return np.array(indices, np.int32), np.array(weights, np.float32)


def _layout(warps):
    """Each axis' values and the batch row of each: row 0 the unchanged input, then the warps, then
    the thickness variants."""
    row_of = {(axis, value): 1 + i for i, (axis, value, _, _) in enumerate(warps)}
    row_of.update({("thickness", level): 1 + len(warps) + i for i, level in enumerate(t for t in THICKNESS if t)})
    axes = {"rotation": ROTATIONS, "scale": SCALES, "thickness": THICKNESS, "shift": SHIFTS}
    return {axis: ([list(v) if isinstance(v, tuple) else v for v in values],
                   [row_of.get((axis, v), 0) for v in values]) for axis, values in axes.items()}


def build_robustness_graph(tf, logits_model):
    """``(graph, layout)``: ``graph`` is a tf.function of one (28, 28) input answering the batch of
    variants and their probabilities; ``layout`` maps each axis to its values and batch rows."""
    warps = _warps()
    indices, weights = (tf.constant(table) for table in _bilinear_taps(warps))

    def morphology(image, reduce, square):
        padded = tf.pad(image, [[1, 1], [1, 1]])
        offsets = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if square or not (dy and dx)]
        return reduce(tf.stack([padded[1 + dy:29 + dy, 1 + dx:29 + dx] for dy, dx in offsets]), axis=0)

    def thicknesses(image):
        """The variants for thickness -2, -1, +1, +2."""
        top = tf.reduce_max(image)
        eroded = morphology(image, tf.reduce_min, square=False)
        eroded = eroded * tf.math.divide_no_nan(top, tf.reduce_max(eroded))
        return [eroded, tf.clip_by_value(2 * image - top, 0.0, top),
                morphology(image, tf.reduce_max, square=False), morphology(image, tf.reduce_max, square=True)]

    # Not XLA-compiled: measured no faster with it for this batch on 2 cores.
    @tf.function(input_signature=[tf.TensorSpec((28, 28), tf.float32)])
    def graph(image):
        flat = tf.concat([tf.reshape(image, [784]), tf.zeros([1])], axis=0)
        warped = tf.reshape(tf.reduce_sum(tf.gather(flat, indices) * weights, axis=-1), (-1, 28, 28))
        batch = tf.concat([image[None], warped, tf.stack(thicknesses(image))], axis=0)
        return batch, tf.nn.softmax(logits_model(batch[..., None], training=False))

    return graph, _layout(warps)


def robustness(graph, layout, image):
    """One (28, 28) float32 model input -> ``Robustness``: every axis' values, probabilities and images."""
    batch, probabilities = graph(np.asarray(image, np.float32))
    batch, probabilities = batch.numpy(), probabilities.numpy()
    return Robustness({axis: Axis(values, probabilities[rows], batch[rows]) for axis, (values, rows) in layout.items()})
