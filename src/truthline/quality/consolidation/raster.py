"""Aggregators for region annotations (polygons, masks): per-pixel majority vote per label,
returned as COCO RLE masks in the ``mask`` result shape."""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from truthline.quality._common import QualityInputError
from truthline.quality._rle import decode_flat, encode_flat, rle_size
from truthline.quality.consolidation._base import (
    Consolidated,
    assign_ids,
    clamp,
    min_support,
    rank_key,
    register,
)
from truthline.quality.consolidation.choice import class_names

# Per annotator: label -> flat column-major mask, the ids and positions of its shapes.
Layer = dict[Any, np.ndarray]


@register("polygon")
def consolidate_polygon(
    results: list[dict[str, Any]], config: dict[str, Any], context: dict[str, Any]
) -> Consolidated:
    """Polygons are rasterised at the image size (``context`` width/height) and voted per
    pixel; the output is a mask result (one RLE per label)."""
    shapes = [r.get("polygons") or [] for r in results]
    if not any(shapes):
        return _vote([{} for _ in results], shapes, (0, 0), config)
    h, w = image_size(config, context)
    layers = [_rasterize(polygons, h, w) for polygons in shapes]
    return _vote(layers, shapes, (h, w), config)


@register("mask")
def consolidate_mask(
    results: list[dict[str, Any]], config: dict[str, Any], context: dict[str, Any]
) -> Consolidated:
    """Masks of one label are merged per annotator, then voted per pixel."""
    shapes = [r.get("masks") or [] for r in results]
    sizes = {rle_size(m["rle"]) for masks in shapes for m in masks}
    if len(sizes) > 1:
        raise QualityInputError("masks of one item must all have the same size")
    size = sizes.pop() if sizes else (0, 0)  # no mask at all: the size never matters
    layers = []
    for masks in shapes:
        layer: Layer = {}
        for m in masks:
            flat = decode_flat(m["rle"])
            label = m.get("label")
            layer[label] = layer[label] | flat if label in layer else flat
        layers.append(layer)
    return _vote(layers, shapes, size, config)


def image_size(config: dict[str, Any], context: dict[str, Any]) -> tuple[int, int]:
    """(height, width) from ``context`` {"width", "height"} or its probed media facts."""
    facts = context
    if "width" not in facts:
        facts = (context.get("media") or {}).get(config.get("field") or "image") or {}
    try:
        return int(facts["height"]), int(facts["width"])
    except (KeyError, TypeError):
        raise QualityInputError("the image width and height are needed in context") from None


def _rasterize(polygons: list[dict[str, Any]], h: int, w: int) -> Layer:
    from PIL import Image, ImageDraw

    layer: Layer = {}
    for poly in polygons:
        img = Image.new("L", (w, h), 0)
        draw = ImageDraw.Draw(img)
        if len(poly.get("points") or []) >= 3:
            draw.polygon([tuple(p) for p in poly["points"]], fill=1, outline=1)
        for hole in poly.get("holes") or []:
            if len(hole) >= 3:
                draw.polygon([tuple(p) for p in hole], fill=0, outline=0)
        # Column-major, the order COCO RLE uses.
        flat = np.asarray(img, dtype=bool).T.ravel()
        label = poly.get("label")
        layer[label] = layer[label] | flat if label in layer else flat
    return layer


def _vote(
    layers: list[Layer],
    shapes: list[list[dict[str, Any]]],
    size: tuple[int, int],
    config: dict[str, Any],
) -> Consolidated:
    k = len(layers)
    need = min_support(config, k)
    labels = _label_order(shapes, config)
    masks, details, agree = [], [], []
    for label in labels:
        votes = sum(layer[label].astype(np.uint16) for layer in layers if label in layer)
        # every label comes from some layer, so the sum is an array, never the start value 0
        consensus = cast(np.ndarray, votes >= need)
        ious = [_iou(layer.get(label), consensus) for layer in layers]
        agree.append(float(np.mean(ious)))
        if consensus.any():
            masks.append((label, consensus, ious))
    ids = assign_ids(
        [
            [s.get("id") for ss in shapes for s in ss if s.get("label") == lab]
            for lab, _, _ in masks
        ],
        "m",
    )
    out = []
    for mask_id, (label, consensus, ious) in zip(ids, masks, strict=True):
        rle = {"size": [size[0], size[1]], "counts": encode_flat(consensus)}
        out.append({"id": mask_id, "label": label, "rle": rle})
        details.append({"id": mask_id, "area": int(consensus.sum()), "iou": ious})
    confidence = float(np.mean(agree)) if agree else 1.0
    return Consolidated({"masks": out}, clamp(confidence), {"n": k, "masks": details})


def _label_order(shapes: list[list[dict[str, Any]]], config: dict[str, Any]) -> list[Any]:
    # Mean position within each annotation, then class order: identical input keeps its order.
    pos: dict[Any, list[int]] = {}
    for ss in shapes:
        seen: list[Any] = []
        for s in ss:
            if s.get("label") not in seen:
                seen.append(s.get("label"))
        for i, label in enumerate(seen):
            pos.setdefault(label, []).append(i)
    by_class = rank_key(class_names(config))
    return sorted(pos, key=lambda lab: (sum(pos[lab]) / len(pos[lab]), by_class(lab)))


def _iou(mask: np.ndarray | None, consensus: np.ndarray) -> float:
    union = np.count_nonzero(consensus if mask is None else mask | consensus)
    if union == 0:
        return 1.0
    inter = 0 if mask is None else np.count_nonzero(mask & consensus)
    return inter / union
