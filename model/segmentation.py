"""A drawing of a number -> the places of its digits, in reading order, each digit alone and ready
for the MNIST recipe.

    places = segment_ink(ink)                 # an image's ink: the parts are its 8-connected components
    places = segment_strokes(strokes, width)  # strokes: the parts are the strokes
    place.options                             # [[Segment], [Segment, Segment], ...]: whole, or in two
    chosen = choose(places, quality)          # which segments the number is made of, once read

Both go the same way. Measure the parts and drop specks (dots and dust: small beside the tallest
part, or only a few pen widths across). Find the writing's slant: the shear that makes the parts
narrowest, so upright strokes (a 1, a 4's stem, the sides of a 0) stand upright. Merge parts that
overlap mostly along it (a 4 or a 5 in two strokes, a 7's crossbar); join parts a tiny gap apart
while together they stay narrower than two digits (a digit broken by a gap), and flat parts to what
they nearly touch (a 5's flag). A group far wider than tall is cut apart at once, where the least
ink is crossed. A group that may be one digit or two (as wide as tall, or joined across a gap)
offers the whole and ways to split it in two: the parts on either side of a gap, the path from top
to bottom that crosses the least ink, a straight cut along the slant. The model reads every option
in the same batch as every other digit, and ``choose`` keeps a split only when both halves read
better than the whole. Input of more parts or places than ``MAX_DIGITS`` digits could have is
refused (``BadInput``) before any digit is read; more digits than that once splits are chosen, after.
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

from model.errors import BadInput
from model.preprocessing.strokes import _parse_strokes as parse_strokes
from model.preprocessing.strokes import rasterize_strokes

MAX_DIGITS = 12
MAX_PARTS = 4 * MAX_DIGITS         # strokes or ink components left once specks are dropped; more is refused
MAX_STROKE_SAMPLES = 50_000        # strokes are sampled along their length, at most this many times
LABEL_THRESHOLD = 64               # ink at least this strong joins a component (anti-aliasing halos do not)
SPECK_OF_HEIGHT = 0.2              # a speck is smaller than this part of the tallest part...
SPECK_PENS = 2.5                   # ...or than this many pen widths
MERGE_OVERLAP = 0.5                # parts overlapping by half the narrower one's width are one digit
UPRIGHT_OVERLAP = 0.8              # parts overlapping this much with no slant are measured as one for it
FLAT = 0.5                         # a group lower than this part of the tallest is no digit by itself
NEAR_GAP = 0.5                     # parts this many pen widths apart or closer may be one digit broken by a gap
MAX_SLANT = 0.6                    # horizontal shift per unit of height: about 31 degrees either way
SLANT_STEPS = 25
SLANT_PRIOR = 0.05                 # a slant must narrow the parts by this much per unit of slant and height
MAY_BE_TWO = 0.9                   # a group at least this many times as wide as tall may be two digits...
IS_SEVERAL = 1.8                   # ...and at least this wide, it is
STRAIGHT_CUTS = (0.5,)            # where across such a group the straight cuts go (a fraction of its width)
TALL_SIDE = 0.8                    # each half of a cut is at least this part of the group's height
CENTRE_PULL = 0.05                 # between equally cheap paths, the one nearer the middle
HALO = 2                           # pixels of anti-aliasing kept around a digit's own ink
_EIGHT = np.ones((3, 3), bool)


@dataclass
class Segment:
    box: tuple          # (left, top, right, bottom) in input pixels (right and bottom exclusive for images)
    ink: np.ndarray     # uint8 ink of this digit alone (0 paper, 255 ink), for model.preprocessing.to_mnist


@dataclass
class Place:
    """Where one digit, or two touching ones, were drawn: the whole first, then ways to cut it in two."""

    options: list       # [[Segment], [Segment, Segment], ...]
    key: float          # reading order: the centre along the slant


def choose(places, quality):
    """The segments the number is made of, as indices into the places' segments counted in order
    (``[s for p in places for o in p.options for s in o]``). ``quality`` maps such an index to how
    well it reads as a digit (the model's top probability, say), and lacks the segments that held
    too little ink to read. A place keeps its best cut when both halves read better than the whole."""
    chosen, index = [], 0
    for place in places:
        best, best_score = None, -math.inf
        for option in place.options:
            indices = list(range(index, index + len(option)))
            index += len(option)
            if all(i in quality for i in indices):
                score = min(quality[i] for i in indices)
                if score > best_score:
                    best, best_score = indices, score
        chosen += best or []
    if len(chosen) > MAX_DIGITS:
        raise _too_many(f"{len(chosen)} once touching digits are told apart")
    return chosen


def _too_many(found):
    return BadInput("too_many_digits", f"The drawing holds more than {MAX_DIGITS} digits ({found}); "
                    f"at most {MAX_DIGITS} are read at once.")


def _in_order(places):
    if len(places) > MAX_DIGITS:
        raise _too_many(f"{len(places)} found")
    return sorted(places, key=lambda place: place.key)


# ---------------------------------------------------------------- images

def segment_ink(ink):
    """Ink image (uint8, 0 = paper) -> ``[Place, ...]`` in reading order; ``[]`` when nothing is drawn."""
    mask = ink >= LABEL_THRESHOLD
    rows, columns = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not len(rows):
        return []
    # Only the inked rectangle is searched: the page around the number is most of a pad.
    origin = (int(rows[0]), int(columns[0]))
    ink, mask = (a[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1] for a in (ink, mask))
    labels, count = ndimage.label(mask, _EIGHT)
    slices = ndimage.find_objects(labels)
    extents = np.array([(s[1].start, s[0].start, s[1].stop, s[0].stop) for s in slices], np.float64)
    pen = _pen_of_mask(mask)
    kept = _kept(extents, pen)
    if not len(kept):
        return []
    outlines = [_outline(labels[slices[k]] == k + 1, slices[k]) for k in kept]
    # Outlines are pixel centres: two components a gap of g pixels apart have outlines g + 1 apart.
    slant, groups = _slant_and_groups(outlines, np.full(len(kept), 0.5), reach=NEAR_GAP * pen + 1)
    tallest = max(group.height for group in groups)
    places = []
    for group in groups:
        components = kept[group.members]
        top = max(0, min(slices[k][0].start for k in components) - HALO)
        left = max(0, min(slices[k][1].start for k in components) - HALO)
        bottom = min(ink.shape[0], max(slices[k][0].stop for k in components) + HALO)
        right = min(ink.shape[1], max(slices[k][1].stop for k in components) + HALO)
        crop = ink[top:bottom, left:right]
        own = labels[top:bottom, left:right] == components[0] + 1 if len(components) == 1 \
            else np.isin(labels[top:bottom, left:right], components + 1)
        corner = (origin[0] + top, origin[1] + left)
        if len(group.pieces) == 1 and group.high - group.low < MAY_BE_TWO * group.height:
            # One digit, as most are: nothing to cut.
            key = (group.low + group.high) / 2 + origin[1] - slant * origin[0]
            places.append(Place([[_image_segment(crop, corner, own)]], key))
            continue
        weight = np.where(own, crop, 0) / 255.0
        pieces = _cut_several(own, weight, slant, pen, MAX_DIGITS - len(places)) \
            if group.height >= FLAT * tallest else [own]
        # Pieces may be two digits after all: offer the parts on either side of each gap between them.
        labelled = labels[top:bottom, left:right]
        lefts = [np.isin(labelled, kept[np.concatenate(group.pieces[:k])] + 1)
                 for k in range(1, len(group.pieces))] if len(pieces) == 1 else []
        for piece in pieces:
            places.append(_image_place(crop, corner, piece, weight * piece, slant, pen, lefts))
    return _in_order(places)


def _pen_of_mask(mask):
    """The pen's width: the median run of ink across rows or down columns (every other one), whichever is less."""
    def runs(rows):
        edges = np.diff(np.pad(rows, ((0, 0), (1, 1))).astype(np.int8), axis=1).ravel()
        return np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
    return float(max(1.0, min(np.median(runs(mask[::2])), np.median(runs(mask.T[::2])))))


def _outline(component, where):
    """A component's first and last pixel on each of its rows and columns, as ``(xs, ys)`` in image pixels."""
    def ends(mask):
        lines = np.flatnonzero(mask.any(axis=1))
        first = mask[lines].argmax(axis=1)
        last = mask.shape[1] - 1 - mask[lines, ::-1].argmax(axis=1)
        return np.concatenate([lines, lines]), np.concatenate([first, last])
    rows, xs = ends(component)
    columns, ys = ends(component.T)
    return (np.concatenate([xs, columns]) + float(where[1].start),
            np.concatenate([rows, ys]).astype(np.float64) + where[0].start)


def _extent(mask, slant):
    """A mask's extent along the slant and its height: ``(low, high, height)``."""
    ys, xs = np.nonzero(mask)
    sheared = xs - slant * ys
    return sheared.min() - 0.5, sheared.max() + 0.5, int(ys.max() + 1 - ys.min())


def _cut_several(own, weight, slant, pen, budget):
    """A group far wider than tall -> pieces, cut along the cheapest paths until none is."""
    if budget < 1:
        raise _too_many("once wide groups are cut apart")
    low, high, height = _extent(own, slant)
    side = max(1.5 * pen, 0.15 * height)
    if high - low < max(IS_SEVERAL * height, 2 * side):
        return [own]
    cut = _cheapest_cut(weight, slant, pen, low + side, high - side)
    first = own & (np.arange(own.shape[1])[None, :] < cut[:, None]) if cut is not None else own
    second = own & ~first
    if not first.any() or not second.any():
        return [own]
    pieces = _cut_several(first, weight * first, slant, pen, budget - 1)
    return pieces + _cut_several(second, weight * second, slant, pen, budget - len(pieces))


def _image_place(crop, origin, own, weight, slant, pen, lefts=()):
    """The place of a group's ink ``own``: whole, or cut in two (``lefts``: the left sides of ready cuts)."""
    low, high, height = _extent(own, slant)
    options = [[_image_segment(crop, origin, own)]]
    for first in lefts:
        first, second = own & first, own & ~first
        if first.any() and second.any():
            options.append([_image_segment(crop, origin, first), _image_segment(crop, origin, second)])
    side = max(1.5 * pen, 0.15 * height)
    if high - low >= max(MAY_BE_TWO * height, 2 * side):
        columns, rows = np.arange(own.shape[1])[None, :], np.arange(own.shape[0])[:, None]
        firsts = [own & (columns - slant * rows < low + at * (high - low)) for at in STRAIGHT_CUTS]
        cut = _cheapest_cut(weight, slant, pen, low + side, high - side)
        if cut is not None:
            firsts.insert(0, own & (columns < cut[:, None]))
        for first in firsts:
            second = own & ~first
            if first.any() and second.any() and min(_rows_spanned(first), _rows_spanned(second)) >= TALL_SIDE * height:
                options.append([_image_segment(crop, origin, first), _image_segment(crop, origin, second)])
    return Place(options, (low + high) / 2 + origin[1] - slant * origin[0])


def _rows_spanned(mask):
    rows = np.flatnonzero(mask.any(axis=1))
    return rows[-1] + 1 - rows[0]


def _cheapest_cut(weight, slant, pen, low, high):
    """The path from the top row to the bottom one, staying between sheared x ``low`` and ``high``,
    that crosses the least ink (dynamic programming on cells a quarter of a pen across, moving at
    most one cell sideways per row) -> the cut's x on every pixel row, or None."""
    cell = max(1, int(pen // 4))
    rows, columns = -(-weight.shape[0] // cell), -(-weight.shape[1] // cell)
    padded = np.zeros((rows * cell, columns * cell))
    padded[:weight.shape[0], :weight.shape[1]] = weight
    ink = padded.reshape(rows, cell, columns, cell).mean(axis=(1, 3)) * cell   # ink crossed going through a cell
    centre_y, centre_x = (np.arange(rows) + 0.5) * cell - 0.5, (np.arange(columns) + 0.5) * cell - 0.5
    sheared = centre_x[None, :] - slant * centre_y[:, None]
    pull = CENTRE_PULL * cell * np.abs(sheared - (low + high) / 2) / max(high - low, 1e-9)
    straight = np.where((sheared >= low) & (sheared <= high), ink + pull, np.inf)
    slanting = np.where(np.isfinite(straight), ink * math.sqrt(2) + pull, np.inf)
    steps = np.stack([slanting, straight, slanting], axis=1)    # from the left, from above, from the right
    total, came_from = straight[0].copy(), np.zeros((rows, columns), np.int8)
    arriving = np.full((3, columns), np.inf)
    for row in range(1, rows):
        arriving[0, 1:], arriving[1], arriving[2, :-1] = total[:-1], total, total[1:]
        options = arriving + steps[row]
        choice = options.argmin(axis=0)
        total = options.min(axis=0)
        came_from[row] = choice - 1
    end = int(total.argmin())
    if not np.isfinite(total[end]):
        return None
    path = np.empty(rows, np.int64)
    path[-1] = end
    for row in range(rows - 1, 0, -1):
        path[row - 1] = path[row] + came_from[row, path[row]]
    return np.repeat((path + 0.5) * cell, cell)[:weight.shape[0]]


def _image_segment(crop, origin, piece):
    """The piece's own ink with the faint ink (anti-aliasing) around it, and none of its neighbours' strong ink."""
    rows, columns = np.flatnonzero(piece.any(axis=1)), np.flatnonzero(piece.any(axis=0))
    y0, y1 = max(0, rows[0] - HALO), rows[-1] + 1 + HALO
    x0, x1 = max(0, columns[0] - HALO), columns[-1] + 1 + HALO
    ink = crop[y0:y1, x0:x1]
    keep = piece[y0:y1, x0:x1] | (ink < LABEL_THRESHOLD)
    top, left = origin
    box = (left + int(columns[0]), top + int(rows[0]), left + int(columns[-1]) + 1, top + int(rows[-1]) + 1)
    return Segment(box, np.where(keep, ink, 0).astype(np.uint8))


# ---------------------------------------------------------------- strokes

def segment_strokes(strokes, width=None):
    """``[[[x, y], ...], ...]`` drawn ``width`` wide (or ``[(points, width), ...]``) -> ``[Place, ...]``."""
    parsed = parse_strokes(strokes, width)
    if not parsed:
        return []
    pen = float(np.median([w for _, w in parsed]))
    xs, ys, weights, part, step = _stroke_samples(parsed, pen)
    starts = np.searchsorted(part, np.arange(len(parsed)))
    ends = np.r_[starts[1:], len(part)]
    margins = np.array([w / 2 for _, w in parsed])
    extents = np.stack([np.minimum.reduceat(xs, starts) - margins, np.minimum.reduceat(ys, starts) - margins,
                        np.maximum.reduceat(xs, starts) + margins, np.maximum.reduceat(ys, starts) + margins], axis=1)
    kept = _kept(extents, pen)
    if not len(kept):
        return []
    # Outlines are the strokes' centre lines: a gap of g between inks is g + a pen between them.
    slant, groups = _slant_and_groups([(xs[starts[k]:ends[k]], ys[starts[k]:ends[k]]) for k in kept],
                                      margins[kept], reach=(1 + NEAR_GAP) * pen)
    strokes_of = _StrokeCutter(parsed, slant, pen, step, bin_width=max(pen / 4, max(np.ptp(xs), np.ptp(ys)) / 512))
    tallest = max(group.height for group in groups)
    places = []
    for group in groups:
        mine = kept[group.members]
        samples = np.concatenate([np.arange(starts[k], ends[k]) for k in mine])
        sheared, heights, weight = xs[samples] - slant * ys[samples], ys[samples], weights[samples]
        margin = float(margins[mine].max())
        cuts = strokes_of.several(sheared, heights, weight, margin, MAX_DIGITS - len(places)) \
            if group.height >= FLAT * tallest else []
        bounds = [-math.inf, *cuts, math.inf]
        for low, high in zip(bounds, bounds[1:]):
            inside = (sheared >= low) & (sheared < high)
            place = strokes_of.place(mine, sheared[inside], heights[inside], margin, low, high)
            # Pieces may be two digits after all: offer the strokes on either side of each gap between them.
            for k in range(1, len(group.pieces) if not cuts else 1):
                place.options.append([strokes_of.segment(kept[np.concatenate(side)], -math.inf, math.inf)
                                      for side in (group.pieces[:k], group.pieces[k:])])
            places.append(place)
    return _in_order(places)


def _stroke_samples(parsed, pen):
    """Points along every stroke, at most ``pen / 2`` apart, each weighted by the ink it stands for,
    sorted by stroke."""
    points = np.concatenate([p for p, _ in parsed])
    ids = np.repeat(np.arange(len(parsed)), [len(p) for p, _ in parsed])
    widths = np.array([w for _, w in parsed])
    same = ids[1:] == ids[:-1]
    start, end, segment_ids = points[:-1][same], points[1:][same], ids[:-1][same]
    length = np.hypot(*(end - start).T)
    step = max(pen / 2, float(length.sum()) / MAX_STROKE_SAMPLES, 1e-9)
    steps = np.maximum(1, np.ceil(length / step)).astype(np.int64)
    which = np.repeat(np.arange(len(start)), steps)
    fraction = (np.arange(steps.sum()) - np.repeat(np.cumsum(steps) - steps, steps)) / np.repeat(steps, steps)
    sampled = start[which] + fraction[:, None] * (end - start)[which]
    # Every drawn point too, weightless: it bounds its stroke (a single click is a stroke).
    xs = np.concatenate([sampled[:, 0], points[:, 0]])
    ys = np.concatenate([sampled[:, 1], points[:, 1]])
    weights = np.concatenate([(length / steps)[which] * widths[segment_ids[which]], np.zeros(len(points))])
    part = np.concatenate([segment_ids[which], ids])
    order = np.argsort(part, kind="stable")
    return xs[order], ys[order], weights[order], part[order], step


@dataclass
class _StrokeCutter:
    """Cuts groups of strokes along the slant: sheared x in ``[low, high)`` is one piece."""

    parsed: list
    slant: float
    pen: float
    step: float
    bin_width: float

    def several(self, sheared, ys, weights, margin, budget):
        """Where a group far wider than tall is cut, at its thinnest ink, until no piece is."""
        if budget < 1:
            raise _too_many("once wide groups are cut apart")
        left, right = sheared.min() - margin, sheared.max() + margin
        height = ys.max() - ys.min() + 2 * margin
        side = max(1.5 * self.pen, 0.15 * height)
        if right - left < max(IS_SEVERAL * height, 2 * side):
            return []
        edges = np.arange(left, right + self.bin_width, self.bin_width)
        ink = np.histogram(sheared, edges, weights=weights)[0]
        spread = max(1, int(round(self.pen / self.bin_width)))    # a sample's ink is a pen wide
        thickness = np.convolve(ink, np.ones(spread) / spread, "same")
        positions = edges[1:-1]
        allowed = (positions - left >= side) & (right - positions >= side)
        if not allowed.any():
            return []
        at = float(positions[int(np.argmin(np.where(allowed, thickness[:-1], np.inf)))])
        before = sheared < at
        first = self.several(sheared[before], ys[before], weights[before], margin, budget - 1)
        later = self.several(sheared[~before], ys[~before], weights[~before], margin, budget - len(first) - 1)
        return [*first, at, *later]

    def place(self, members, sheared, ys, margin, low, high):
        left, right = sheared.min() - margin, sheared.max() + margin
        height = ys.max() - ys.min() + 2 * margin
        options = [[self.segment(members, low, high)]]
        if right - left >= max(MAY_BE_TWO * height, 3 * self.pen):
            for at in STRAIGHT_CUTS:
                cut = left + at * (right - left)
                halves = [self.segment(members, low, cut), self.segment(members, cut, high)]
                if None not in halves and min(h.box[3] - h.box[1] for h in halves) >= TALL_SIDE * height:
                    options.append(halves)
        return Place(options, (left + right) / 2)

    def segment(self, members, low, high):
        """The members' strokes clipped to sheared x in ``[low, high)``, or None when nothing is left."""
        strokes = []
        for i in members:
            points, width = self.parsed[i]
            if math.isinf(low) and math.isinf(high):
                strokes.append((points, width))
            else:
                strokes += [(run, width) for run in self._clipped(points, low, high)]
        if not strokes:
            return None
        low_corner = np.min([p.min(axis=0) - w / 2 for p, w in strokes], axis=0)
        high_corner = np.max([p.max(axis=0) + w / 2 for p, w in strokes], axis=0)
        box = tuple(round(float(v), 3) for v in (*low_corner, *high_corner))
        return Segment(box, rasterize_strokes([(p.tolist(), w) for p, w in strokes]))

    def _clipped(self, points, low, high):
        """The runs of a stroke (resampled ``step`` apart) whose sheared x lies in ``[low, high)``."""
        if len(points) > 1:
            along = np.concatenate([[0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))])
            at = np.linspace(0, along[-1], max(2, int(math.ceil(along[-1] / self.step)) + 1))
            points = np.stack([np.interp(at, along, points[:, 0]), np.interp(at, along, points[:, 1])], axis=1)
        sheared = points[:, 0] - self.slant * points[:, 1]
        inside = ((sheared >= low) & (sheared < high)).astype(np.int8)
        edges = np.flatnonzero(np.diff(np.concatenate([[0], inside, [0]])))
        return [points[a:b] for a, b in zip(edges[::2], edges[1::2])]


# ---------------------------------------------------------------- both

def _kept(extents, pen):
    """The parts that are not specks, as indices; ``BadInput`` when there are more than digits could have."""
    width, height = extents[:, 2] - extents[:, 0], extents[:, 3] - extents[:, 1]
    kept = np.flatnonzero(np.maximum(width, height) >= max(SPECK_OF_HEIGHT * height.max(), SPECK_PENS * pen))
    if len(kept) > MAX_PARTS:
        raise _too_many(f"{len(kept)} separate parts")
    return kept


@dataclass
class _Group:
    """Parts that make one digit, or may: ``pieces`` are the parts joined across gaps, left to right."""

    pieces: list        # [array of part positions, ...]
    low: float          # extent along the slant
    high: float
    top: float
    bottom: float

    @property
    def members(self):
        return np.concatenate(self.pieces)

    @property
    def height(self):
        return self.bottom - self.top

    def joined(self, other, across_gap):
        first, second = (self, other) if self.low <= other.low else (other, self)
        pieces = first.pieces + second.pieces if across_gap else [np.concatenate([first.members, second.members])]
        return _Group(pieces, min(self.low, other.low), max(self.high, other.high),
                      min(self.top, other.top), max(self.bottom, other.bottom))


def _slant_and_groups(outlines, margins, reach):
    """The parts' outlines (``(xs, ys)`` that bound each) -> ``(slant, [_Group, ...])`` left to right.

    The slant is the shear (horizontal shift per unit down) that makes the parts narrowest together;
    a 7 or a 2 hardly minds, upright strokes decide, and ties go to the least slant. Parts whose
    extents along it overlap by half the narrower one's width are one group; then groups whose
    outlines come within ``reach`` of each other join, when together they are still narrower than two digits.
    """
    xs, ys = np.concatenate([o[0] for o in outlines]), np.concatenate([o[1] for o in outlines])
    owner = np.repeat(np.arange(len(outlines)), [len(o[0]) for o in outlines])
    starts = np.cumsum([0] + [len(o[0]) for o in outlines[:-1]])
    top, bottom = np.minimum.reduceat(ys, starts) - margins, np.maximum.reduceat(ys, starts) + margins
    candidates = np.linspace(-MAX_SLANT, MAX_SLANT, SLANT_STEPS)
    sheared = xs[None, :] - candidates[:, None] * ys[None, :]

    def groups_at(slant_index, overlap):
        low = np.minimum.reduceat(sheared[slant_index], starts) - margins
        high = np.maximum.reduceat(sheared[slant_index], starts) + margins
        return _overlapping([_Group([np.array([i])], low[i], high[i], top[i], bottom[i])
                             for i in range(len(outlines))], overlap)

    # Parts that overlap almost wholly even upright (a 4's stem in its L, the pieces of a broken 2) are
    # measured together: alone, a piece of a diagonal would pull the slant its own way.
    units = groups_at(SLANT_STEPS // 2, UPRIGHT_OVERLAP)
    order = np.concatenate([np.flatnonzero(np.isin(owner, unit.members)) for unit in units])
    unit_starts = np.cumsum([0] + [int(np.isin(owner, unit.members).sum()) for unit in units[:-1]])
    along = sheared[:, order]
    widths = (np.maximum.reduceat(along, unit_starts, axis=1) - np.minimum.reduceat(along, unit_starts, axis=1))
    best = int(np.argmin(widths.sum(axis=1) + SLANT_PRIOR * np.abs(candidates) * (bottom - top).sum()))
    groups = _joined_across_gaps(groups_at(best, MERGE_OVERLAP), np.stack([xs, ys], axis=1), owner, reach)
    # A group as wide as two digits, of a few parts, may be two digits whose parts overlap: its parts
    # left to right are pieces, so that its place offers the parts on either side of each.
    centres = (np.minimum.reduceat(sheared[best], starts) + np.maximum.reduceat(sheared[best], starts)) / 2
    for group in groups:
        members = group.members
        if len(group.pieces) == 1 and 1 < len(members) <= 4 and group.high - group.low >= MAY_BE_TWO * group.height:
            group.pieces = [np.array([m]) for m in members[np.argsort(centres[members])]]
    return float(candidates[best]), groups


def _overlapping(groups, overlap):
    """Groups merged while two overlap by ``overlap`` of the narrower one's width."""
    groups = sorted(groups, key=lambda group: group.low)
    merging = True
    while merging:
        merging = False
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                ga, gb = groups[a], groups[b]
                if min(ga.high, gb.high) - max(ga.low, gb.low) >= overlap * min(ga.high - ga.low, gb.high - gb.low):
                    groups[a] = ga.joined(gb, across_gap=False)
                    del groups[b]
                    merging = True
                    break
            if merging:
                break
    return groups


def _near_parts(points, owner, reach):
    """The pairs of parts whose outline points come within ``reach`` of each other, in order."""
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    low, high = np.minimum.reduceat(points, starts), np.maximum.reduceat(points, starts)
    trees = {}
    for a, b in zip(*np.triu_indices(len(starts), 1)):
        if (low[a] - reach > high[b]).any() or (low[b] - reach > high[a]).any():
            continue      # their boxes are too far apart already
        for part in (a, b):
            if part not in trees:
                trees[part] = cKDTree(points[owner == owner[starts[part]]])
        if trees[a].count_neighbors(trees[b], reach) > 0:
            yield int(owner[starts[a]]), int(owner[starts[b]])


def _joined_across_gaps(groups, points, owner, reach):
    """Groups joined where their outlines come within ``reach``, while the union stays narrower than two
    digits, or whatever its width when one of them is flat (a 5's flag, a 7's crossbar: no digit alone)."""
    tallest = max(group.height for group in groups)
    group_of = {int(part): index for index, group in enumerate(groups) for part in group.members}
    for a, b in _near_parts(points, owner, reach):
        ga, gb = group_of[a], group_of[b]
        if ga == gb:
            continue
        union = groups[ga].joined(groups[gb], across_gap=True)
        flat = min(groups[ga].height, groups[gb].height) < FLAT * tallest
        if flat or union.high - union.low < MAY_BE_TWO * union.height:
            groups[ga], groups[gb] = union, None
            group_of.update({int(part): ga for part in union.members})
    return sorted((group for group in groups if group is not None), key=lambda group: group.low)
