"""Box consolidation, vectorized over many images: one item is the batch of one.

Per image, boxes of different annotators with IoU >= ``iou_threshold`` cluster (complete
linkage, at most one box per annotator); clusters drawn by at least ``min_support``
annotators become the mean box with the majority label. Running many images together turns
some hundred small numpy calls per image into a few large ones.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter, methodcaller
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from truthline.quality._common import QualityInputError
from truthline.quality.consolidation._base import (
    Consolidated,
    assign_ids,
    id_key,
    labels_key,
    rank_key,
    register,
    register_many,
    share_needed,
)
from truthline.quality.consolidation.choice import class_names
from truthline.quality.geometry import batch_box_iou

_CHUNK_CELLS = 2_000_000  # IoU cells per chunk of images


@dataclass
class _Flat:
    """All boxes of all images, one row each, grouped by image then annotator."""

    shapes: list[dict[str, Any]]
    coords: np.ndarray  # (N, 4)
    image: np.ndarray
    owner: np.ndarray
    position: np.ndarray  # index within its annotation
    label: np.ndarray  # label codes, in the order of ``labels``
    labels: list[Any]
    start: np.ndarray  # first row of each image, plus N
    k: np.ndarray  # annotations per image


@register("bbox")
def consolidate_bbox(
    results: list[dict[str, Any]], config: dict[str, Any], context: dict[str, Any]
) -> Consolidated:
    """Boxes of different annotators with IoU >= ``iou_threshold`` (0.5) form a cluster; a
    cluster drawn by >= ``min_support`` annotators (default a majority) becomes the mean box,
    labelled by majority. ``match_labels`` (false) keeps differently labelled boxes apart."""
    return consolidate_bbox_many([results], config)[0]


@register_many("bbox")
def consolidate_bbox_many(
    images: list[list[dict[str, Any]]], config: dict[str, Any]
) -> list[Consolidated]:
    """``consolidate_bbox`` for each image's results, computed together."""
    threshold = float(config.get("iou_threshold", 0.5))
    if not 0 < threshold <= 1:
        raise QualityInputError("iou_threshold must be in (0, 1]")
    with _collector_paused():
        flat = _flatten(images, class_names(config))
        if (flat.coords[:, 2:] < 0).any():
            raise QualityInputError("box width and height must be >= 0")
        head = _cluster_heads(flat, threshold, config)
        return _build(flat, head, _need(flat.k, config))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of result dicts are created.

    They hold no reference cycles, but each allocation burst triggers collections that
    rescan every live object, which made large batches grow slower than linearly.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _flatten(images: list[list[dict[str, Any]]], classes: list[Any]) -> _Flat:
    shapes: list[dict[str, Any]] = []
    per_result: list[int] = []
    for results in images:
        for r in results:
            boxes = r.get("boxes") or []
            shapes.extend(boxes)
            per_result.append(len(boxes))
    k = np.array([len(r) for r in images], dtype=np.int64)
    counts = np.array(per_result, dtype=np.int64)
    image = np.repeat(np.repeat(np.arange(len(images)), k), counts)
    result_index = np.arange(len(counts)) - np.repeat(np.cumsum(k) - k, k)
    owner = np.repeat(result_index, counts)
    position = np.arange(len(shapes)) - np.repeat(np.cumsum(counts) - counts, counts)
    xywh = itemgetter("x", "y", "w", "h")
    coords = np.fromiter(chain.from_iterable(map(xywh, shapes)), np.float64, 4 * len(shapes))
    names = [b.get("label") for b in shapes]
    ordered = list(
        dict.fromkeys([*classes, *sorted(set(names) - set(classes), key=rank_key(None))])
    )
    code = {name: i for i, name in enumerate(ordered)}
    per_image = np.bincount(image, minlength=len(images))
    return _Flat(
        shapes=shapes,
        coords=coords.reshape(-1, 4),
        image=image,
        owner=owner,
        position=position,
        label=np.fromiter(map(code.__getitem__, names), np.int64, len(names)),
        labels=ordered,
        start=np.concatenate(([0], np.cumsum(per_image))),
        k=k,
    )


def _need(k: np.ndarray, config: dict[str, Any]) -> np.ndarray:
    value = config.get("min_support")
    if value is None and config.get("min_share") is not None:
        return np.array([share_needed(float(config["min_share"]), int(n)) for n in k.tolist()])
    return k // 2 + 1 if value is None else np.full_like(k, max(1, int(value)))


def _cluster_heads(flat: _Flat, threshold: float, config: dict[str, Any]) -> np.ndarray:
    """For each box, the row of the first box of its cluster.

    Candidate pairs (IoU >= threshold, different annotators) form a graph. A connected
    component that is a clique already is the cluster the greedy merge would build, whatever
    the order (its boxes have distinct annotators); only the other components, typically a
    pair or two falling just under the threshold, go through the greedy merge.
    """
    n = len(flat.shapes)
    if n == 0:
        return np.arange(0)
    u, v, w = _candidate_edges(flat, threshold, config)
    if u.size == 0:
        return np.arange(n)
    graph = sparse.csr_matrix((np.ones(u.size), (u, v)), shape=(n, n))
    n_comp, comp = connected_components(graph, directed=False)
    size = np.bincount(comp, minlength=n_comp)
    inner = np.bincount(comp[u], minlength=n_comp)
    order = np.argsort(comp, kind="stable")  # ascending rows within each component
    start = np.cumsum(size) - size
    head = order[start][comp]
    messy = np.flatnonzero(inner != size * (size - 1) // 2)
    if messy.size:
        by_comp = np.argsort(comp[u], kind="stable")
        e_start = np.concatenate(([0], np.cumsum(inner)))
        for c in messy.tolist():
            edges = by_comp[e_start[c] : e_start[c + 1]]
            members = order[start[c] : start[c] + size[c]].tolist()
            _greedy(flat, head, members, u[edges].tolist(), v[edges].tolist(), w[edges].tolist())
    return head


def _candidate_edges(
    flat: _Flat, threshold: float, config: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, row, IoU) of every candidate pair, u < v, computed over chunks of images."""
    sizes = np.diff(flat.start)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    g, n_img = 0, len(sizes)
    while g < n_img:
        end = min(n_img, g + max(1, _CHUNK_CELLS // max(1, int(sizes[g]) ** 2)))
        # Pad to the chunk's largest image, then shrink the chunk to stay within budget.
        width = max(1, int(sizes[g:end].max()))
        end = min(end, g + max(1, _CHUNK_CELLS // (width * width)))
        parts.append(_chunk_edges(flat, np.arange(g, end), width, threshold, config))
        g = end
    return tuple(np.concatenate(x) for x in zip(*parts, strict=True))  # type: ignore[return-value]


def _chunk_edges(
    flat: _Flat, images: np.ndarray, width: int, threshold: float, config: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    first, count = flat.start[images], np.diff(flat.start)[images]
    slot = np.arange(width)
    valid = slot[None, :] < count[:, None]
    rows = np.where(valid, first[:, None] + slot[None, :], 0)
    boxes = np.where(valid[..., None], flat.coords[rows], 0.0)
    iou = batch_box_iou(boxes, boxes)
    own = np.where(valid, flat.owner[rows], -1)
    ok = (iou >= threshold) & valid[:, :, None] & valid[:, None, :]
    ok &= own[:, :, None] != own[:, None, :]
    if config.get("match_labels"):
        lab = flat.label[rows]
        ok &= lab[:, :, None] == lab[:, None, :]
    b, i, j = np.nonzero(np.triu(ok, 1))
    return rows[b, i], rows[b, j], iou[b, i, j]


def _greedy(
    flat: _Flat, head: np.ndarray, members: list[int], u: list[int], v: list[int], w: list[float]
) -> None:
    """Best pair first, complete linkage, at most one box per annotator (as cluster_greedy)."""
    coords = flat.coords[members].tolist()
    keys = {
        r: (*xywh, labels_key(flat.shapes[r]), id_key(flat.shapes[r]))
        for r, xywh in zip(members, coords, strict=True)
    }
    distinct = sorted(set(keys.values()))
    rank = {r: distinct.index(key) for r, key in keys.items()}
    edges = sorted(
        zip(w, u, v, strict=True),
        key=lambda e: (-e[0], min(rank[e[1]], rank[e[2]]), max(rank[e[1]], rank[e[2]])),
    )
    linked = set(zip(u, v, strict=True)) | set(zip(v, u, strict=True))
    owner = flat.owner
    group = {r: [r] for r in members}
    where = {r: r for r in members}
    owned = {r: {int(owner[r])} for r in members}
    for _, a, b in edges:
        ca, cb = where[a], where[b]
        if ca == cb or owned[ca] & owned[cb]:
            continue
        if not all((x, y) in linked for x in group[ca] for y in group[cb]):
            continue
        for x in group[cb]:
            where[x] = ca
        group[ca] += group.pop(cb)
        owned[ca] |= owned.pop(cb)
    for cluster in group.values():
        head[cluster] = min(cluster)


def _build(flat: _Flat, head: np.ndarray, need: np.ndarray) -> list[Consolidated]:
    n_img = len(flat.k)
    is_head = head == np.arange(len(head))
    cid = (np.cumsum(is_head) - 1)[head]  # cluster index of each box
    c_head = np.flatnonzero(is_head)
    c_img = flat.image[c_head]
    sizes = np.bincount(cid, minlength=len(c_head))
    members = _members(cid, sizes)
    kept = sizes >= need[c_img]
    means, fit = _means(flat.coords, members[kept], sizes[kept])
    k_c = flat.k[c_img]
    score = np.where(kept, 0.0, 1 - sizes / np.maximum(k_c, 1))
    score[kept] = sizes[kept] / k_c[kept] * fit
    n_clusters = np.bincount(c_img, minlength=n_img)
    total = np.bincount(c_img, weights=score, minlength=n_img)
    confidence = np.divide(total, n_clusters, out=np.ones(n_img), where=n_clusters > 0)
    order = _output_order(flat, members[kept], c_img[kept], means)
    boxes = _emit(flat, members[kept], c_img[kept], means, fit, order, n_img)
    dropped = n_clusters - np.bincount(c_img[kept], minlength=n_img)
    return [
        Consolidated(
            {"boxes": boxes[g][0]},
            float(confidence[g]),
            {"n": int(flat.k[g]), "boxes": boxes[g][1], "dropped": int(dropped[g])},
        )
        for g in range(n_img)
    ]


def _members(cid: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """(clusters, largest cluster) rows of each cluster's boxes, -1 padded, rows ascending."""
    order = np.argsort(cid, kind="stable")
    start = np.cumsum(sizes) - sizes
    rank = np.arange(len(cid)) - np.repeat(start, sizes)
    out = np.full((len(sizes), int(sizes.max(initial=1))), -1, dtype=np.int64)
    out[cid[order], rank] = order
    return out


def _means(coords: np.ndarray, members: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, ...]:
    """Exact, order-free mean box per cluster and the members' mean IoU with it."""
    if len(members) == 0:
        return np.zeros((0, 4)), np.zeros(0)
    stacked = np.where((members >= 0)[..., None], coords[np.maximum(members, 0)], np.nan)
    ordered = np.sort(stacked, axis=1)  # NaN padding sorts last
    low = ordered[:, 0, :]
    means = low + np.nansum(ordered - low[:, None, :], axis=1) / sizes[:, None]
    iou = _paired_iou(np.broadcast_to(means[:, None, :], stacked.shape), stacked)
    return means, np.nansum(iou, axis=1) / sizes


def _paired_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of a[..., i, :] with b[..., i, :]; NaN where b is NaN padding."""
    iw = np.minimum(a[..., 0] + a[..., 2], b[..., 0] + b[..., 2]) - np.maximum(a[..., 0], b[..., 0])
    ih = np.minimum(a[..., 1] + a[..., 3], b[..., 1] + b[..., 3]) - np.maximum(a[..., 1], b[..., 1])
    inter = np.clip(iw, 0, None) * np.clip(ih, 0, None)
    union = a[..., 2] * a[..., 3] + b[..., 2] * b[..., 3] - inter
    out = np.full_like(inter, np.nan)
    np.divide(inter, union, out=out, where=union > 0)
    degenerate = union == 0  # zero-area boxes: 1 when identical, as in box IoU matrices
    if degenerate.any():
        out[degenerate] = (a == b).all(axis=-1)[degenerate]
    return out


def _output_order(
    flat: _Flat, members: np.ndarray, c_img: np.ndarray, means: np.ndarray
) -> np.ndarray:
    """Kept clusters by image, then earliest position within an annotation (identical
    results keep their order), then mean box: nothing depends on annotator order."""
    pos = np.where(members >= 0, flat.position[np.maximum(members, 0)], np.iinfo(np.int64).max)
    first = pos.min(axis=1)
    primary = c_img * (int(first.max(initial=0)) + 1) + first
    order = np.argsort(primary, kind="stable")
    key = primary[order]
    same = key[1:] == key[:-1]
    tied = np.concatenate(([False], same)) | np.concatenate((same, [False]))
    if tied.any():
        # Only clusters sharing image and position need the coordinates; their blocks keep
        # their place in the order, so sorting them alone by (position, box) is enough.
        sub = order[tied]
        m = means[sub]
        order[tied] = sub[np.lexsort((m[:, 3], m[:, 2], m[:, 1], m[:, 0], primary[sub]))]
    return order


def _majority(flat: _Flat, members: np.ndarray) -> np.ndarray:
    """Majority label code per cluster; ties to the lowest code, i.e. the first class in the
    question's order, then the smallest name (the order codes were given in)."""
    valid = members >= 0
    code = np.where(valid, flat.label[np.maximum(members, 0)], -1)
    votes = ((code[:, :, None] == code[:, None, :]) & valid[:, None, :]).sum(axis=2)
    votes[~valid] = -1
    top = votes == votes.max(axis=1, keepdims=True)
    return np.where(top, code, np.iinfo(np.int64).max).min(axis=1)


def _emit(
    flat: _Flat,
    members: np.ndarray,
    c_img: np.ndarray,
    means: np.ndarray,
    fit: np.ndarray,
    order: np.ndarray,
    n_img: int,
) -> list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Output boxes and their details per image, in ``order``."""
    out: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]] = [([], []) for _ in range(n_img)]
    if len(order) == 0:
        return out
    label = [flat.labels[c] for c in _majority(flat, members)[order].tolist()]
    rows, coords, fits = members[order].tolist(), means[order].tolist(), fit[order].tolist()
    support = (members[order] >= 0).sum(axis=1).tolist()
    imgs = c_img[order].tolist()
    cuts = [0, *(np.flatnonzero(np.diff(c_img[order])) + 1).tolist(), len(order)]
    id_of = list(map(methodcaller("get", "id"), flat.shapes))
    for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
        member_ids = [[id_of[r] for r in rows[c] if r >= 0] for c in range(lo, hi)]
        ids = assign_ids(member_ids, "b")
        boxes, details = out[imgs[lo]]
        for c, box_id in zip(range(lo, hi), ids, strict=True):
            x, y, w, h = coords[c]
            boxes.append({"id": box_id, "x": x, "y": y, "w": w, "h": h, "label": label[c]})
            details.append({"id": box_id, "support": support[c], "mean_iou": fits[c]})
    return out
