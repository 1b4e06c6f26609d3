"""Region geometry from the warehouse as a GeoJSON FeatureCollection, one feature per region code."""

from __future__ import annotations

import json

import polars as pl


def feature_collection(geometries: pl.DataFrame) -> dict:
    """``geometries`` has code, name, geojson (a geometry string); the feature id is the region code."""
    features = [
        {"type": "Feature", "id": code, "properties": {"name": name}, "geometry": json.loads(geometry)}
        for code, name, geometry in geometries.select("code", "name", "geojson").iter_rows()
    ]
    return {"type": "FeatureCollection", "features": features}


class SharedGeoJSON(dict):
    """A GeoJSON dict that Plotly must not copy: ``plotly`` deep-copies every trace when it builds and again
    when it serialises a figure, which for a national map costs ~0.1 s per trace on every script run. The
    geometry comes from a shared cache and is never modified, so a copy may be the object itself."""

    def __deepcopy__(self, memo: dict) -> SharedGeoJSON:
        return self


def for_trace(collection: dict, codes: list[str]) -> SharedGeoJSON:
    """What one map trace sends to the browser: the features of ``codes`` only (two traces over one map do
    not each carry every shape), with id and geometry but no properties (names travel with the values)."""
    wanted = set(codes)
    return SharedGeoJSON(
        type="FeatureCollection",
        features=[
            {"type": "Feature", "id": f["id"], "geometry": f["geometry"]}
            for f in collection["features"]
            if f["id"] in wanted
        ],
    )


def names(collection: dict) -> dict[str, str]:
    return {f["id"]: f["properties"].get("name", f["id"]) for f in collection["features"]}


def codes(collection: dict) -> list[str]:
    return [feature["id"] for feature in collection["features"]]
