"""The map of the test set, a step of ``training.evaluate``: UMAP (McInnes, Healy and Melville 2018) of
every test digit's embedding, the 128 values the logits layer reads, to two dimensions.

Unsupervised: labels never go into the fit. The map ships as ``map_xy`` (10000, 2) in the report's
arrays; the dashboard only draws it (it never imports UMAP or numba). A drawing is placed on it at run
time from its nearest test digits' positions (dashboard/tabs/errors/digit_map.py), not by UMAP.

UMAP's import and first fit cost over a minute here (numba compiles its kernels), so the map is cached
under ``build/cache/`` by the embeddings' hash and the parameters: re-running the evaluation of the same
model costs nothing, and ``--no-map`` (or ``DIGIT_READER_NO_MAP=1``) leaves it out altogether.
"""

import hashlib
import json
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "cache"
# UMAP's defaults but for the metric (the embeddings are compared by cosine everywhere else too), a seed (a
# seeded fit runs on one thread: the same map every time, and the shared cores stay free) and looser
# clusters: this model's classes are so tight that with the default min_dist (0.1) each of 10,000 digits'
# clusters spans about 1% of the map, a blot; min_dist 0.9 and spread 1.5 give each about three times the
# room, with the same label agreement (99.3% of the 10 nearest on the map, either way).
PARAMETERS = {"n_neighbors": 15, "min_dist": 0.9, "spread": 1.5, "metric": "cosine", "random_state": 11}
MAP_NEIGHBOURS = 10     # the agreement the report records: each point's 10 nearest on the map


def fit_map(embeddings, log=print):
    """(N, d) embeddings -> (N, 2) float32 map positions, scaled into [0, 1] on the wider axis."""
    embeddings = np.ascontiguousarray(embeddings, np.float32)
    key = hashlib.sha256(embeddings.tobytes() + json.dumps(PARAMETERS, sort_keys=True).encode()).hexdigest()[:20]
    cached = CACHE / f"test_map_{key}.npy"
    if cached.exists():
        log(f"Map of the test set: cached ({cached.relative_to(ROOT)})", flush=True)
        return np.load(cached)
    started = time.time()
    import umap       # slow to import (numba): only here, offline

    xy = umap.UMAP(n_components=2, **PARAMETERS).fit_transform(embeddings).astype(np.float32)
    xy -= xy.min(axis=0)
    xy /= max(float(xy.max()), 1e-9)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(cached, xy)
    log(f"Map of the test set: UMAP of {len(xy):,} embeddings in {time.time() - started:.0f} s", flush=True)
    return xy


def label_agreement(xy, labels, k=MAP_NEIGHBOURS):
    """The mean share of each point's ``k`` nearest map neighbours (itself left out) that share its label."""
    xy = np.asarray(xy, np.float64)
    labels = np.asarray(labels)
    squared = (xy ** 2).sum(axis=1)
    agree = []
    for start in range(0, len(xy), 1000):
        block = xy[start:start + 1000]
        distances = squared[start:start + 1000, None] - 2 * block @ xy.T + squared[None]
        distances[np.arange(len(block)), np.arange(start, start + len(block))] = np.inf
        nearest = np.argpartition(distances, k, axis=1)[:, :k]
        agree.append((labels[nearest] == labels[start:start + 1000, None]).mean(axis=1))
    return float(np.concatenate(agree).mean())


def summary(xy, labels):
    return {"method": "UMAP of the test digits' embeddings (unsupervised)", "parameters": PARAMETERS,
            "neighbour_label_agreement": {str(MAP_NEIGHBOURS): label_agreement(xy, labels)}}
