"""Region geometry from the warehouse as a GeoJSON FeatureCollection, one feature per region code."""

from __future__ import annotations

import json

import polars as pl


def feature_collection(geometries: pl.DataFrame) -> dict:
    """``geometries`` has code, name, geojson (a geometry string); the feature id is the region code."""
    features = [
        {"type": "Feature", "id": code, "properties": {"code": code, "name": name}, "geometry": json.loads(geometry)}
        for code, name, geometry in geometries.select("code", "name", "geojson").iter_rows()
    ]
    return {"type": "FeatureCollection", "features": features}


def codes(collection: dict) -> list[str]:
    return [feature["id"] for feature in collection["features"]]
