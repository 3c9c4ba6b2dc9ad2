"""Formats of the open-data files of verified plantings (pure: rows in, text out).

`services.open_data_build` reads the rows once (keyset by id, see
`selectors.plantings_export_rows`) and writes both files in the same pass, so the CSV and
the GeoJSON of one build always hold the same plantings.
"""

import io
import json

from blitar_portal.lib.csvsafe import csv_writer

COLUMNS = [
    "id",
    "lintang",
    "bujur",
    "spesies",
    "nama_ilmiah",
    "jumlah_pohon",
    "tanggal_tanam",
    "kecamatan",
    "desa",
    "komunitas",
    "kampanye",
]
FILENAMES = {"csv": "penanaman-terverifikasi.csv", "geojson": "penanaman-terverifikasi.geojson"}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json"}
GEOJSON_HEAD = '{"type": "FeatureCollection", "features": [\n'
GEOJSON_TAIL = "\n]}\n"


class CsvLines:
    """CSV text of one row at a time (header first), through the project's formula-safe writer."""

    def __init__(self):
        self._buffer = io.StringIO()
        self._writer = csv_writer(self._buffer)

    def line(self, row):
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(row)
        return self._buffer.getvalue()

    def header(self):
        return self.line(COLUMNS)


def geojson_feature(row, *, first):
    """One Feature of the collection (a comma before every feature but the first)."""
    properties = dict(zip(COLUMNS, row, strict=True))
    lat, lon = properties.pop("lintang"), properties.pop("bujur")
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties}
    return ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False)
