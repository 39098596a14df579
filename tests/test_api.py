"""The OGC API - Features server (``geo.api``, ``clustermap api``).

Two kinds of test:

* in process, through FastAPI's ``TestClient``: every endpoint, format, filter and error,
  over the published files and over a registry store with three versions;
* end to end, as a user runs it: ``clustermap api`` started in a subprocess over a store,
  read by a client nobody here wrote, GDAL's OGC API - Features driver (through
  ``pyogrio``), with the counts compared with ``clustermap clusters``; and a registry
  changed by an import while the server runs.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from argparse import Namespace
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import openapi_spec_validator
import pyogrio
import pytest
import shapely
from fastapi.testclient import TestClient

from benchmarks import bench_api
from geo import cli
from geo.analysis import filters, indices
from geo.analysis.dataset import Dataset, index_comparison
from geo.api import app as api_app, documents, providers, specs
from geo.api.params import CRS84, GEOJSON
from geo.cli import api as cli_api
from geo.registry import accounts, auth, importer, store, submissions
from tests.support.serve import free_port
from tests.test_store import CLUSTER_HEADER  # the clusters file header

ROOT = Path(__file__).resolve().parent.parent
ERROR_KEYS = {"code", "description"}
PG_ENV = "CLUSTERMAP_TEST_POSTGRES_URL"

NEW_CLUSTERS = (
    "CL-0100,Kazan test cluster,Казанский тестовый кластер,Kazan,RU-TA,n/a,testing,leading,"
    "n/a,12,n/a,n/a,n/a,n/a,n/a,registry,test file,\n"
    "CL-0101,Kaliningrad test cluster,Калининградский тестовый кластер,Kaliningrad,RU-KGD,"
    "n/a,testing,leading,n/a,7,n/a,n/a,n/a,n/a,n/a,registry,test file,\n"
)
"""Two clusters an import adds (version 2): Kazan lies inside bbox 30,50,60,60,
Kaliningrad west of it."""


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def client(data: Dataset) -> TestClient:
    """The API over the published files (version 0)."""
    app = api_app.app_for(providers.StaticProvider(data, providers.PUBLISHED_INFO))
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def editor() -> auth.Editor:
    credentials = {"alice": auth.hash_password("secret", iterations=1000)}
    signed_in = auth.authenticate("alice", "secret", credentials)
    assert signed_in is not None
    return signed_in


def import_clusters(url: str, editor: auth.Editor, text: str) -> int:
    """Import clusters into the store at ``url`` as an editor does; the new version."""
    opened = store.Store.open(url)
    try:
        parsed = importer.parse_bytes("new.csv", text.encode(), "clusters", opened.refs)
        result = opened.import_file(editor, parsed)
        assert result.ok and result.version is not None, result.plan
        return result.version
    finally:
        opened.dispose()


def build_store(url: str, editor: auth.Editor) -> str:
    """A store with three versions: 1 the published records, 2 an import of two
    clusters, 3 the removal of the MNE link MNE-01."""
    opened = store.Store.open(url)
    opened.dispose()
    assert import_clusters(url, editor, CLUSTER_HEADER + NEW_CLUSTERS) == 2
    opened = store.Store(url)
    assert opened.remove(editor, "mne_links", ["MNE-01"]).version == 3
    opened.dispose()
    return url


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory, editor: auth.Editor) -> str:
    return build_store(f"sqlite:///{tmp_path_factory.mktemp('store') / 'registry.db'}", editor)


@pytest.fixture(scope="module")
def store_client(store_url: str) -> TestClient:
    """The API over the store, opened read only as ``clustermap api`` opens it."""
    app = api_app.app_for(providers.StoreProvider(store_url))
    return TestClient(app, raise_server_exceptions=False)


def assert_error(response, status: int) -> dict:
    """An OGC exception document with ``status``, never a traceback."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    doc = response.json()
    assert set(doc) == ERROR_KEYS and doc["description"], doc
    assert "Traceback" not in response.text
    return doc


def link(doc: dict, rel: str, media: str | None = None) -> str | None:
    """The href of the first link with ``rel`` (and type ``media``)."""
    for item in doc["links"]:
        if item["rel"] == rel and (media is None or item.get("type") == media):
            return item["href"]
    return None


def all_pages(client: TestClient, url: str) -> list[dict]:
    """Every feature, following ``next`` links."""
    features: list[dict] = []
    for _ in range(100):
        doc = client.get(url).json()
        features += doc["features"]
        url = link(doc, "next")
        if url is None:
            return features
    raise AssertionError("more than 100 pages")


# --------------------------------------------------------------------------- service


def test_landing_page_links_the_api_conformance_data_and_methodology(client):
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.headers[documents.VERSION_HEADER] == "0"
    doc = response.json()
    assert link(doc, "service-desc", documents.OPENAPI_JSON).endswith("/api")
    assert link(doc, "conformance").endswith("/conformance")
    assert link(doc, "data").endswith("/collections")
    assert link(doc, "describedby").endswith("/methodology")


def test_conformance_declares_part_1_core_geojson_html_oas30(client):
    declared = client.get("/conformance").json()["conformsTo"]
    for cls in ("core", "geojson", "html", "oas30"):
        assert f"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{cls}" in declared


def test_openapi_is_generated_3_0_and_names_the_filters_after_the_properties(client):
    response = client.get("/api")
    assert response.headers["content-type"] == documents.OPENAPI_JSON
    doc = response.json()
    text = json.dumps(doc)
    assert doc["openapi"] == "3.0.3" and '{"type": "null"}' not in text and '"422"' not in text
    parameters = doc["paths"]["/collections/clusters/items"]["get"]["parameters"]
    names = {p["name"] for p in parameters}
    assert {"limit", "offset", "bbox", "datetime", "version", "f", "lang"} <= names
    assert {f.name for f in specs.CLUSTER_FILTERS} <= names
    limit = next(p for p in parameters if p["name"] == "limit")["schema"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 10_000, 10)
    openapi_spec_validator.validate(doc)
    page = client.get("/api?f=html").text
    assert "/collections/clusters/items" in page and "<script" not in page


def test_collections_describe_four_feature_collections(client):
    doc = client.get("/collections").json()
    assert [c["id"] for c in doc["collections"]] == list(specs.SPECS)
    for c in doc["collections"]:
        assert c["itemType"] == "feature" and c["crs"] == [CRS84] and c["storageCrs"] == CRS84
        assert len(c["extent"]["spatial"]["bbox"][0]) == 4
        # GDAL appends /{featureId} to this href as it is: no query string.
        assert link(c, "items", GEOJSON).endswith(f"/collections/{c['id']}/items")
        assert link(c, "describedby", documents.SCHEMA_JSON).endswith("/schema")
    assert doc["registryVersion"]["id"] == 0
    assert doc["registryVersion"]["dataset"].startswith("sha256:")
    minx, _, maxx, _ = client.get("/collections/regions").json()["extent"]["spatial"]["bbox"][0]
    assert minx > maxx  # Russia crosses the antimeridian: written as OGC API says


def test_schema_types_the_fields_and_queryables_list_the_values(client):
    response = client.get("/collections/clusters/schema")
    assert response.headers["content-type"] == documents.SCHEMA_JSON
    props = response.json()["properties"]["properties"]["properties"]
    assert props["cluster_index"] == {"type": "number"}
    assert props["mne_count"] == {"type": "integer"} and props["synthetic"] == {"type": "boolean"}
    assert props["name_ru"] == {"type": "string"}  # null on every published cluster
    queryables = client.get("/collections/clusters/queryables").json()["properties"]
    assert "not reported" in queryables["org_level"]["enum"]
    assert set(queryables["mne_presence"]["enum"]) == {"with", "without"}
    # Every status of the vocabulary is known, even those no published cluster has.
    assert {"leading", "industrial"} <= set(queryables["status"]["enum"])


# --------------------------------------------------------------------------- features


def test_items_page_and_next_links_reach_every_cluster(client, data):
    response = client.get("/collections/clusters/items?limit=7")
    assert response.headers["content-type"] == GEOJSON
    assert response.headers["content-crs"] == f"<{CRS84}>"
    doc = response.json()
    assert (doc["numberMatched"], doc["numberReturned"], len(doc["features"])) == (30, 7, 7)
    assert doc["registryVersion"]["id"] == 0
    assert link(doc, "prev") is None and "offset=7" in link(doc, "next", GEOJSON)
    features = all_pages(client, "/collections/clusters/items?limit=7")
    assert [f["id"] for f in features] == list(data.clusters["id"])
    last = client.get("/collections/clusters/items?limit=7&offset=28").json()
    assert last["numberReturned"] == 2 and link(last, "next") is None
    assert "offset=21" in link(last, "prev")
    beyond = client.get("/collections/clusters/items?offset=500").json()
    assert beyond["numberReturned"] == 0 and beyond["numberMatched"] == 30


def test_cluster_properties_are_the_public_allow_list(client, data):
    feature = client.get("/collections/clusters/items/PIC-01").json()
    assert feature["id"] == "PIC-01" and feature["geometry"]["type"] == "Point"
    props = feature["properties"]
    assert list(props) == list(specs.CLUSTER_PROPERTIES[1:])
    for internal in ("notes", "region_as_published", "located_region_code", "geonameid"):
        assert internal not in props
    row = data.clusters.set_index("id").loc["PIC-01"]
    assert props["cluster_index"] == pytest.approx(row["cluster_index"])
    assert props["scenario"] == row["scenario"] and props["synthetic"] is False
    assert feature["geometry"]["coordinates"] == pytest.approx([row["lon"], row["lat"]], abs=1e-6)
    assert feature["registryVersion"]["id"] == 0


@pytest.mark.parametrize("facet", [f.field for f in filters.FACETS] + ["mne"])
def test_every_filter_value_selects_what_the_map_selects(client, data, facet):
    options = filters.filter_options(data.clusters, data.regions)
    name = specs.CLUSTER_FACET_PARAMS.get(facet, facet)
    for value in options.get(facet, {"with": 0, "without": 0}):
        chosen = filters.ClusterFilter(**{facet: value if facet == "mne" else (value,)})
        expected = filters.apply_filter(data.clusters, data.regions, chosen)
        doc = client.get("/collections/clusters/items", params={name: value, "limit": 100}).json()
        assert doc["numberMatched"] == len(expected), (facet, value)
        assert [f["id"] for f in doc["features"]] == list(expected["id"])


def test_repeated_values_are_or_different_parameters_and(client, data):
    both = {"status": ["pilot innovative"], "federal_district": ["Central", "Volga"]}
    chosen = filters.ClusterFilter(
        status=("pilot innovative",), federal_district=("Central", "Volga")
    )
    expected = filters.apply_filter(data.clusters, data.regions, chosen)
    doc = client.get("/collections/clusters/items", params={**both, "limit": 100}).json()
    assert doc["numberMatched"] == len(expected) > 0
    first = client.get("/collections/clusters/items", params={**both, "limit": 2}).json()
    query = parse_qs(urlsplit(link(first, "next")).query)
    assert query["federal_district"] == ["Central", "Volga"]  # filters survive paging
    leading = client.get("/collections/clusters/items?status=leading").json()
    assert leading["numberMatched"] == 0  # a known status no published cluster has


def test_bbox_selects_the_points_inside(client, data):
    box = (30.0, 50.0, 60.0, 60.0)
    doc = client.get(
        "/collections/clusters/items", params={"bbox": ",".join(map(str, box)), "limit": 100}
    ).json()
    inside = data.clusters.cx[box[0] : box[2], box[1] : box[3]]
    assert doc["numberMatched"] == len(inside) > 0
    for f in doc["features"]:
        x, y = f["geometry"]["coordinates"]
        assert box[0] <= x <= box[2] and box[1] <= y <= box[3]


def test_chukotka_is_cut_at_the_antimeridian_and_bbox_finds_either_side(client):
    chukotka = client.get("/collections/regions/items/RU-CHU").json()
    geom = shapely.geometry.shape(chukotka["geometry"])
    assert geom.geom_type == "MultiPolygon" and geom.is_valid
    xs = shapely.get_coordinates(geom)[:, 0]
    assert xs.min() >= -180 and xs.max() <= 180 and xs.min() < -160 and xs.max() > 170
    for bbox in ("-179,60,-170,70", "175,60,-175,70", "170,60,179,70"):
        doc = client.get(f"/collections/regions/items?bbox={bbox}&limit=100").json()
        assert "RU-CHU" in [f["id"] for f in doc["features"]], bbox
    # Exact for polygons, not just their bounding boxes: the sea south of Chukotka.
    doc = client.get("/collections/regions/items?bbox=-179,40,-170,41&limit=100").json()
    assert doc["features"] == []


def test_regions_fit_in_500_kB_as_multipolygons_with_the_indicators(client, data):
    response = client.get("/collections/regions/items?limit=100")
    doc = response.json()
    assert doc["numberReturned"] == len(data.regions) == 85
    assert len(response.content) <= 500_000
    assert {f["geometry"]["type"] for f in doc["features"]} == {"MultiPolygon"}
    props = client.get("/collections/regions/items/RU-KLU").json()["properties"]
    assert props["fea_index_published"] == pytest.approx(1.36)
    assert props["fea_index_recomputed"] == pytest.approx(1.36, abs=0.005)
    assert props["fdi_per_capita"] is not None and props["cluster_count"] >= 0


def test_mne_links_and_federal_districts(client, data):
    links = client.get("/collections/mne_links/items?limit=100").json()
    assert links["numberMatched"] == len(data.mne_links)
    assert {f["geometry"]["type"] for f in links["features"] if f["geometry"]} == {"Point"}
    pic10 = client.get("/collections/mne_links/items?cluster_id=PIC-10").json()
    assert pic10["numberMatched"] == int((data.mne_links["cluster_id"] == "PIC-10").sum())
    districts = client.get("/collections/federal_districts/items").json()
    assert districts["numberMatched"] == data.regions["federal_district"].nunique()
    assert sum(f["properties"]["region_count"] for f in districts["features"]) == 85
    assert sum(f["properties"]["cluster_count"] for f in districts["features"]) == sum(
        data.clusters["region_code"].isin(data.regions["code"])
    )


# --------------------------------------------------------------------------- CSV, HTML, safety


@pytest.fixture(scope="module")
def risky_client(data: Dataset) -> TestClient:
    """The published data with a formula-like name and an HTML-like city in PIC-01."""
    clusters = data.clusters.copy()
    first = clusters.index[clusters["id"] == "PIC-01"][0]
    clusters.loc[first, "name_en"] = '=HYPERLINK("http://x","y")'
    clusters.loc[first, "city"] = "<script>alert(1)</script>"
    risky = replace(data, clusters=clusters)
    app = api_app.app_for(providers.StaticProvider(risky, providers.PUBLISHED_INFO))
    return TestClient(app, raise_server_exceptions=False)


def read_csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read UTF-8
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_has_every_matching_row_formula_neutralised(risky_client):
    response = risky_client.get("/collections/clusters/items?f=csv")
    assert 'filename="clusters-v0.csv"' in response.headers["content-disposition"]
    rows = read_csv(response)
    assert len(rows) == 30 and {"lon", "lat"} <= set(rows[0])
    pic01 = next(r for r in rows if r["id"] == "PIC-01")
    assert pic01["name_en"] == '\'=HYPERLINK("http://x","y")'
    filtered = read_csv(
        risky_client.get("/collections/clusters/items?f=csv&status=pilot+innovative")
    )
    assert len(filtered) == 25
    paged = read_csv(risky_client.get("/collections/clusters/items?f=csv&limit=5&offset=10"))
    assert [r["id"] for r in paged] == [r["id"] for r in rows[10:15]]
    for collection in specs.SPECS:
        assert read_csv(risky_client.get(f"/collections/{collection}/items?f=csv"))
    one = read_csv(risky_client.get("/collections/regions/items/RU-TA?f=csv"))
    assert [r["code"] for r in one] == ["RU-TA"]


def test_json_keeps_the_data_as_it_is_and_html_escapes_it(risky_client):
    feature = risky_client.get("/collections/clusters/items/PIC-01").json()
    assert feature["properties"]["name_en"].startswith("=")
    for url in ("/collections/clusters/items/PIC-01?f=html", "/collections/clusters/items?f=html"):
        page = risky_client.get(url).text
        assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script" not in page and "http://" not in page.split("<body>")[0]  # no CDN


def test_browsers_get_html_in_english_or_russian(client):
    page = client.get("/", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")
    assert "<html lang='en'>" in page.text and "Collections" in page.text
    russian = client.get("/collections?f=html", headers={"accept-language": "ru-RU,ru;q=0.9"})
    assert "<html lang='ru'>" in russian.text and "Кластеры" in russian.text
    items = client.get("/collections/clusters/items?f=html&limit=5&lang=ru").text
    assert "PIC-01" in items and "lang=ru" in items  # links keep the chosen language
    described = client.get("/collections/clusters?lang=ru").json()
    assert described["title"] == "Кластеры" and described["id"] == "clusters"


def test_methodology_has_weights_thresholds_and_the_comparison(client, data):
    doc = client.get("/methodology").json()
    weights = {i["column"]: i["weight"] for i in doc["clusterIndex"]["indicators"]}
    assert weights == {i.column: i.weight for i in indices.CLUSTER_INDICATORS}
    assert weights == {
        "intl_members": 0.21,
        "export_bln_rub": 0.31,
        "publications": 0.22,
        "joint_rd_bln_rub": 0.26,
    }
    assert doc["scenarios"]["clusterThreshold"] == doc["scenarios"]["regionThreshold"] == 1.0
    expected = index_comparison(data, "clusters", indices.CLUSTER_METHOD)
    assert len(doc["comparison"]["clusters"]) == len(expected)
    flagged = {r["id"] for r in doc["comparison"]["clusters"] if r["flag"]}
    assert {"PIC-08", "PIC-14"} <= flagged
    assert doc["scenarios"]["counts"] == indices.scenario_counts(
        data.clusters[["scenario"]].fillna("not assessed")
    )
    assert doc["registryVersion"]["id"] == 0


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("url", "status", "names"),
    [
        ("/collections/nope", 404, "nope"),
        ("/collections/nope/items?limit=5", 404, "nope"),
        ("/collections/clusters/items/NOPE", 404, "NOPE"),
        ("/nowhere", 404, "/nowhere"),
        ("/collections/clusters/items?bbox=1,2,3", 400, "bbox"),
        ("/collections/clusters/items?bbox=a,b,c,d", 400, "bbox"),
        ("/collections/clusters/items?bbox=10,60,20,50", 400, "bbox"),
        ("/collections/clusters/items?bbox=170,60,190,70", 400, "bbox"),
        ("/collections/clusters/items?limit=0", 400, "limit"),
        ("/collections/clusters/items?limit=10001", 400, "10000"),
        ("/collections/clusters/items?limit=ten", 400, "ten"),
        ("/collections/clusters/items?offset=-1", 400, "offset"),
        ("/collections/clusters/items?status=bogus", 400, "bogus"),
        ("/collections/clusters/items?mne_presence=maybe", 400, "maybe"),
        ("/collections/clusters/items?statsu=leading", 400, "statsu"),
        ("/collections/clusters/items?version=9", 400, "9"),
        ("/collections/clusters/items?version=-1", 400, "version"),
        ("/collections/clusters/items?datetime=1960-01-01T00:00:00Z", 400, "1960"),
        ("/collections/clusters/items?datetime=2020-01-01/2021-01-01", 400, "interval"),
        ("/collections/clusters/items?datetime=yesterday", 400, "yesterday"),
        ("/collections/clusters/items?datetime=2030-01-01&version=0", 400, "version"),
        ("/collections/clusters/items?f=xml", 400, "xml"),
        ("/collections/clusters/items?crs=http://www.opengis.net/def/crs/EPSG/0/3857", 400, "3857"),
        ("/collections/clusters/items?bbox=30,50,60,60&bbox-crs=EPSG:3857", 400, "bbox-crs"),
        ("/collections?f=csv", 400, "csv"),
        ("/collections/clusters/items?limit=1&limit=2", 400, "limit"),
        ("/collections/clusters/items?bbox=30,50,60,60&bbox=1,2,3,4", 400, "bbox"),
        ("/collections/clusters/items?version=0&version=1", 400, "0, 1"),
        ("/?lang=fr", 400, "fr"),
    ],
)
def test_bad_requests_get_an_ogc_exception_naming_the_fault(client, url, status, names):
    assert names in assert_error(client.get(url), status)["description"]


def test_an_error_repeats_a_long_value_shortened(client):
    response = client.get("/collections/clusters/items", params={"status": "x" * 5000})
    doc = assert_error(response, 400)
    assert "x" * 120 + "…" in doc["description"] and "x" * 121 not in doc["description"]


def test_errors_speak_the_request_language(client):
    doc = assert_error(client.get("/collections/clusters/items?status=bogus&lang=ru"), 400)
    assert "bogus" in doc["description"] and "неизвестное значение" in doc["description"]
    doc = assert_error(client.get("/collections/nope", headers={"accept-language": "ru"}), 404)
    assert "nope" in doc["description"] and "Нет коллекции" in doc["description"]


def test_the_api_only_reads(client):
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        doc = assert_error(client.request(method, "/collections/clusters/items"), 405)
        assert method in doc["description"]
    head = client.head("/collections/clusters/items?limit=3")
    get = client.get("/collections/clusters/items?limit=3")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"] != "0"
    assert client.head("/collections/nope").status_code == 404


def test_unexpected_failures_are_documents_without_details(data):
    class Broken(providers.StaticProvider):
        def dataset(self, info):
            raise RuntimeError("disk on fire /secret/path")

    app = api_app.app_for(Broken(data, providers.PUBLISHED_INFO))
    response = TestClient(app, raise_server_exceptions=False).get("/collections")
    doc = assert_error(response, 500)
    assert doc["code"] == "ServerError" and "secret" not in doc["description"]


# --------------------------------------------------------------------------- versions


def store_digest(url: str) -> str:
    """The database file and its write-ahead log (readers do not change them; the shared
    memory index ``-shm`` is left out: every reader uses it)."""
    path = Path(url.removeprefix("sqlite:///"))
    parts = [p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists()]
    return hashlib.sha256(b"".join(parts)).hexdigest()


def test_versions_by_number_and_by_instant_and_nothing_is_written(store_client, store_url):
    before = store_digest(store_url)
    latest = store_client.get("/collections/mne_links/items")
    assert latest.headers[documents.VERSION_HEADER] == "3" and latest.json()["numberMatched"] == 7
    second = store_client.get("/collections/mne_links/items?version=2")
    assert second.headers[documents.VERSION_HEADER] == "2" and second.json()["numberMatched"] == 8
    assert store_client.get("/collections/clusters/items?version=1").json()["numberMatched"] == 30
    assert store_client.get("/collections/clusters/items?version=2").json()["numberMatched"] == 32
    assert store_client.get("/collections/mne_links/items/MNE-01?version=2").status_code == 200
    assert_error(store_client.get("/collections/mne_links/items/MNE-01"), 404)
    assert_error(store_client.get("/collections/clusters/items/CL-0100?version=1"), 404)

    created = {v.id: v.created_at for v in store.Store(store_url, read_only=True).versions()}
    between = (created[1] + (created[2] - created[1]) / 2).isoformat()
    doc = store_client.get("/collections/clusters/items", params={"datetime": between}).json()
    assert doc["registryVersion"]["id"] == 1 and doc["numberMatched"] == 30
    assert doc["registryVersion"]["dataset"].startswith("registry v1 (")
    now = datetime.now(UTC).isoformat()
    response = store_client.get("/collections/clusters", params={"datetime": now})
    assert response.headers[documents.VERSION_HEADER] == "3"
    early = (created[1] - timedelta(days=1)).isoformat()
    doc = assert_error(store_client.get("/", params={"datetime": early}), 400)
    assert "first version" in doc["description"]
    assert "1-3" in assert_error(store_client.get("/?version=4"), 400)["description"]
    assert store_digest(store_url) == before  # the API never writes


def test_paging_links_pin_the_version(store_client):
    doc = store_client.get("/collections/clusters/items?limit=5").json()
    assert parse_qs(urlsplit(link(doc, "next")).query)["version"] == ["3"]
    old = store_client.get("/collections/mne_links/items?limit=5&version=2").json()
    assert len(all_pages(store_client, link(old, "next"))) == 3
    at = store_client.get("/collections/clusters/items?limit=5&datetime=2100-01-01").json()
    assert "version" not in parse_qs(urlsplit(link(at, "next")).query)  # an instant is fixed


def test_before_the_store_exists_the_published_files_are_version_0(tmp_path, data, editor):
    path = tmp_path / "later" / "registry.db"
    url = f"sqlite:///{path}"
    provider = providers.StoreProvider(url)
    client = TestClient(api_app.app_for(provider), raise_server_exceptions=False)
    doc = client.get("/collections/clusters/items").json()
    assert doc["registryVersion"]["id"] == 0 and doc["numberMatched"] == len(data.clusters)
    assert not path.exists() and not path.parent.exists()  # never created by the API
    assert import_clusters(url, editor, CLUSTER_HEADER + NEW_CLUSTERS) == 2  # the app's work
    doc = client.get("/collections/clusters/items").json()
    assert doc["registryVersion"]["id"] == 2 and doc["numberMatched"] == len(data.clusters) + 2
    provider.dispose()


def test_the_api_reads_a_postgresql_store_read_only(editor):
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL server to test against")
    reset = store.Store(url)
    with reset.engine.begin() as conn:
        tables = ("records", "versions", "store_head", "alembic_version", *accounts.TABLES)
        for table in (*tables, *submissions.TABLES):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
    reset.dispose()
    build_store(url, editor)
    provider = providers.StoreProvider(url)
    client = TestClient(api_app.app_for(provider), raise_server_exceptions=False)
    assert client.get("/collections/clusters/items").json()["numberMatched"] == 32
    assert client.get("/collections/mne_links/items?version=2").json()["numberMatched"] == 8
    reader = provider.store()
    assert reader is not None and reader.read_only
    with pytest.raises(Exception, match="read-only"), reader.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM versions")
    provider.dispose()


# --------------------------------------------------------------------------- command line


def test_the_command_is_listed_and_refuses_a_bad_port(capsys):
    with pytest.raises(SystemExit):
        cli.main(["api", "--help"])
    assert "--port" in capsys.readouterr().out
    assert cli.main(["api", "--port", "70000"]) == 2
    assert "70000" in capsys.readouterr().err


def test_a_port_in_use_or_an_unknown_host_is_a_clear_error(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["api", "--source", "published", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1 port {port}" in err and "Traceback" not in err
    assert cli.main(["api", "--source", "published", "--host", "no.such.host.invalid"]) == 2
    assert "cannot listen on no.such.host.invalid" in capsys.readouterr().err


def test_an_unreadable_store_is_a_clear_error(monkeypatch, tmp_path, capsys):
    bad = tmp_path / "not-a-database.db"
    bad.write_bytes(b"this is not SQLite" * 100)
    monkeypatch.setenv(store.ENV_DATABASE_URL, f"sqlite:///{bad}")
    assert cli.main(["api", "--port", str(free_port())]) == 2
    err = capsys.readouterr().err
    assert "cannot be read" in err and "Traceback" not in err


@contextmanager
def api_server(database_url: str, *options: str) -> Iterator[tuple[str, io.TextIOBase]]:
    """``clustermap api`` in a subprocess over ``database_url`` on a free port: its URL
    and its log (the access log lists every request)."""
    port = free_port()
    env = {**os.environ, store.ENV_DATABASE_URL: database_url}
    command = [sys.executable, "-m", "geo", "api", "--port", str(port), *options]
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/conformance", timeout=5):
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise RuntimeError(f"clustermap api did not start:\n{log.read()}") from None
                    time.sleep(0.1)
            yield url, log
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def served(store_url: str) -> Iterator[tuple[str, io.TextIOBase]]:
    """``clustermap api`` serving the three-version store."""
    with api_server(store_url) as running:
        yield running


def read(url: str, layer: str, **kw) -> object:
    """A layer read by GDAL's OGC API - Features driver."""
    return pyogrio.read_dataframe(f"OAPIF:{url}", layer=layer, **kw)


def cli_clusters(monkeypatch, capsys, url: str, *options: str) -> list[dict[str, str]]:
    """``clustermap clusters --format csv`` over the store at ``url``, as rows."""
    monkeypatch.setenv(store.ENV_DATABASE_URL, url)
    capsys.readouterr()
    assert cli.main(["clusters", "--format", "csv", *options]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def inside(rows: list[dict[str, str]], box: tuple[float, float, float, float]) -> list[dict]:
    """The listed clusters whose point lies in ``box``."""
    minx, miny, maxx, maxy = box
    return [
        r
        for r in rows
        if r["lon"] and minx <= float(r["lon"]) <= maxx and miny <= float(r["lat"]) <= maxy
    ]


def test_gdal_reads_every_collection_with_its_geometry_and_fields(served, data):
    url, _ = served
    assert "OAPIF" in pyogrio.list_drivers()
    layers = dict(pyogrio.list_layers(f"OAPIF:{url}"))
    assert layers == {
        "clusters": "Point",
        "regions": "MultiPolygon",
        "mne_links": "Point",
        "federal_districts": "MultiPolygon",
    }
    clusters = read(url, "clusters")
    assert len(clusters) == 32 and clusters["id"].is_unique
    assert set(clusters.geometry.dropna().geom_type) == {"Point"}
    assert set(specs.CLUSTER_PROPERTIES) <= set(clusters.columns)
    assert clusters["cluster_index"].dtype.kind == "f" and clusters["mne_count"].dtype.kind == "i"
    assert clusters.crs is not None and clusters.crs.equals("OGC:CRS84")
    kazan = clusters.set_index("id").loc["CL-0100"]
    assert (kazan["status"], kazan["region_code"], kazan["name_ru"]) == (
        "leading", "RU-TA", "Казанский тестовый кластер"
    )  # fmt: skip
    regions = read(url, "regions")
    assert len(regions) == 85 and set(regions.geom_type) == {"MultiPolygon"}
    assert {"fea_index_recomputed", "fea_index_published", "cluster_count"} <= set(regions.columns)
    assert len(read(url, "mne_links")) == len(data.mne_links) - 1  # MNE-01 removed in v3
    districts = read(url, "federal_districts")
    assert len(districts) == 8 and districts["region_count"].sum() == 85
    for layer, frame in (
        ("clusters", clusters), ("regions", regions), ("federal_districts", districts),
        ("mne_links", read(url, "mne_links")),
    ):  # fmt: skip
        with urllib.request.urlopen(f"{url}/collections/{layer}/items?limit=1") as answer:
            served = json.load(answer)
        named = set(served["features"][0]["properties"])
        assert set(frame.columns) - {"geometry"} == named | {"id"}, layer
        assert len(frame) == served["numberMatched"], layer


def test_gdal_counts_equal_the_command_line_for_a_filter_and_a_bbox(
    served, store_url, data, monkeypatch, capsys
):
    url, _ = served
    box = (30.0, 50.0, 60.0, 60.0)
    listed = cli_clusters(monkeypatch, capsys, store_url)
    assert len(read(url, "clusters")) == len(listed) == 32
    for status in ("pilot innovative", "leading"):
        expected = [r for r in listed if r["status"] == status]
        got = read(url, "clusters", where=f"status = '{status}'")
        assert sorted(got["id"]) == sorted(r["id"] for r in expected) and len(expected) > 0
        boxed = read(url, "clusters", where=f"status = '{status}'", bbox=box)
        assert sorted(boxed["id"]) == sorted(r["id"] for r in inside(expected, box))
    assert sorted(read(url, "clusters", bbox=box)["id"]) == sorted(
        r["id"] for r in inside(listed, box)
    )
    # A comparison GDAL cannot send to the server is evaluated by GDAL: still right.
    high = read(url, "clusters", where="cluster_index >= 1")
    assert len(high) == int((data.clusters["cluster_index"] >= 1).sum()) > 0


def test_gdal_reads_earlier_versions_like_the_command_line(served, store_url, monkeypatch, capsys):
    url, _ = served
    created = {v.id: v.created_at for v in store.Store(store_url, read_only=True).versions()}
    for version in (1, 2):
        listed = cli_clusters(monkeypatch, capsys, store_url, "--version", str(version))
        old = read(f"{url}?version={version}", "clusters")
        assert sorted(old["id"]) == sorted(r["id"] for r in listed)
        assert len(read(f"{url}?version={version}", "mne_links")) == 8
        # Small pages: GDAL appends "?version=N&lang=ru" to next links that already pin the
        # version (in another order), so parameters come twice with the same value.
        paged = read(f"{url}?version={version}&lang=ru", "clusters", PAGE_SIZE=7)
        assert sorted(paged["id"]) == sorted(r["id"] for r in listed)
    assert len(read(f"{url}?version=1", "clusters", where="status = 'leading'")) == 0
    between = (created[1] + (created[2] - created[1]) / 2).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert len(read(f"{url}?datetime={between}", "clusters")) == 30
    assert len(read(f"{url}?datetime={between}", "mne_links")) == 8


def test_gdal_sends_where_as_query_parameters(served):
    """The OpenAPI document names the filters after the properties, so GDAL sends
    ``status = '...'`` to the server as ``status=...`` (seen in the server's access log)."""
    url, log = served
    got = read(url, "clusters", where="scenario = 'supported' AND federal_district = 'Volga'")
    log.seek(0)
    requests = [line for line in log.read().splitlines() if "/collections/clusters/items" in line]
    assert any("scenario=supported" in r and "federal_district=Volga" in r for r in requests)
    assert all(got["scenario"] == "supported") and all(got["federal_district"] == "Volga")


def test_gdal_sees_an_import_made_while_the_server_runs(tmp_path, editor, monkeypatch, capsys):
    """The registry changes under a running server: the latest version is read on the
    next request, earlier ones stay readable by number and by instant."""
    url_db = f"sqlite:///{tmp_path / 'live.db'}"
    store.Store.open(url_db).dispose()
    with api_server(url_db) as (url, _):
        assert len(read(url, "clusters")) == 30
        before = datetime.now(UTC)
        time.sleep(0.01)
        assert import_clusters(url_db, editor, CLUSTER_HEADER + NEW_CLUSTERS) == 2
        listed = cli_clusters(monkeypatch, capsys, url_db)
        latest = read(url, "clusters")
        assert len(latest) == len(listed) == 32 and {"CL-0100", "CL-0101"} <= set(latest["id"])
        first = cli_clusters(monkeypatch, capsys, url_db, "--version", "1")
        stamp = before.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        for pinned in ("version=1", f"datetime={stamp}"):
            old = read(f"{url}?{pinned}", "clusters")
            assert sorted(old["id"]) == sorted(r["id"] for r in first) and len(old) == 30
            box = (30.0, 50.0, 60.0, 60.0)
            boxed = read(
                f"{url}?{pinned}", "clusters", where="status = 'pilot innovative'", bbox=box
            )
            expected = inside([r for r in first if r["status"] == "pilot innovative"], box)
            assert sorted(boxed["id"]) == sorted(r["id"] for r in expected) and len(expected) > 0
        leading = read(url, "clusters", where="status = 'leading'", bbox=(30, 50, 60, 60))
        assert list(leading["id"]) == ["CL-0100"]


# --------------------------------------------------------------------------- benchmark


def test_the_benchmark_runs_and_its_references_answer_the_same_counts():
    """``benchmarks/bench_api.py`` in a short mode (no time is asserted): every query
    matches as many clusters in the API as in the naive references, and the report is
    written."""
    result = bench_api.run(bench_api.Config(n=150, repeat=2, file_repeat=1, gdal=False))
    for scenario, row in result["scenarios"].items():
        counts = {name: r["matched"] for name, r in row.items()}
        assert len(set(counts.values())) == 1 and row["api"]["status"] == 200, (scenario, counts)
    assert result["regions"]["api"]["features"] == result["regions"]["naive file"]["features"] == 85
    text = bench_api.markdown(result)
    assert "| first page | 150 |" in text and "Machine:" in text


def test_the_command_serves_what_its_options_name(data):
    """``--source published`` and ``--synthetic N`` (the store is covered end to end above)."""
    options = {"source": "store", "synthetic": 0, "seed": 1, "translate": str}
    published, what = cli_api.provider_for(Namespace(**{**options, "source": "published"}))
    assert isinstance(published, providers.StaticProvider) and "published" in what
    assert published.resolve(None, None).id == 0 and len(published.data.clusters) == 30
    synthetic, what = cli_api.provider_for(Namespace(**{**options, "synthetic": 40, "seed": 3}))
    assert "SYNTHETIC" in what and "40" in what
    served = TestClient(api_app.app_for(synthetic)).get("/collections/clusters/items?limit=40")
    features = served.json()["features"]
    assert len(features) == 40 and all(f["properties"]["synthetic"] is True for f in features)
    assert served.json()["registryVersion"]["dataset"] == "synthetic n=40 seed=3"


# --------------------------------------------------------------------------- the full card

CARD_CLUSTER = (
    "id,name_en,city,region_as_published,source_doc,source_ref,specialisation,participants,"
    "founded_year,website,description_en,employees,revenue_bln_rub,export_bln_rub,"
    "manager_name,manager_inn,manager_website,status_document,field_sources,contact_email\n"
    "CL-0200,Card test cluster,Kazan,RU-TA,registry,test,Aircraft; Shipbuilding,14,"
    '2015,https://cluster.example.ru,"=HYPERLINK(""x"")",1200,3.5,0.8,'
    "Managing company,7707083893,https://manager.example.ru,Register entry 12,"
    '"website | site of the cluster | 2025-01-10\nrevenue_bln_rub | annual report | 2024",'
    "hidden.contact@example.ru\n"
)
"""A registered cluster with the full card (two specialisations, per-field sources, a
description that looks like a formula, and a contact e-mail that must not be served)."""


@pytest.fixture(scope="module")
def card_client(tmp_path_factory: pytest.TempPathFactory, editor: auth.Editor) -> TestClient:
    url = f"sqlite:///{tmp_path_factory.mktemp('card') / 'registry.db'}"
    store.Store.open(url).dispose()
    import_clusters(url, editor, CARD_CLUSTER)
    app = api_app.app_for(providers.StoreProvider(url))
    return TestClient(app, raise_server_exceptions=False)


def test_clusters_carry_the_public_card_and_the_member_counts(card_client):
    props = card_client.get("/collections/clusters/items/CL-0200").json()["properties"]
    assert (props["founded_year"], props["employees"]) == (2015, 1200)
    assert (props["revenue_bln_rub"], props["export_bln_rub"]) == (3.5, 0.8)
    assert props["website"] == "https://cluster.example.ru"
    assert (props["manager_name"], props["manager_inn"]) == ("Managing company", "7707083893")
    assert props["manager_website"] == "https://manager.example.ru"
    assert props["status_document"] == "Register entry 12"
    assert props["specialisation"] == "Aircraft; Shipbuilding"
    assert props["specialisations"] == ["Aircraft", "Shipbuilding"]
    assert props["field_sources"] == {
        "website": {"source": "site of the cluster", "date": "2025-01-10"},
        "revenue_bln_rub": {"source": "annual report", "date": "2024"},
    }
    assert (props["participants"], props["participants_basis"]) == (14, "as reported")
    assert (props["participants_reported"], props["participants_listed"]) == (14, None)
    assert "contact_email" not in props and "hidden.contact" not in json.dumps(props)


def test_published_clusters_read_the_card_as_not_reported(card_client):
    props = card_client.get("/collections/clusters/items/PIC-01").json()["properties"]
    for column in ("founded_year", "website", "manager_inn", "field_sources", "specialisations"):
        assert props[column] is None, column
    assert props["participants_basis"] == "as reported"


def test_the_schema_types_the_card_and_csv_keeps_it_as_safe_text(card_client):
    schema = card_client.get("/collections/clusters/schema").json()
    properties = schema["properties"]["properties"]["properties"]
    assert properties["specialisations"]["type"] == "array"
    assert properties["field_sources"]["type"] == "object"
    assert properties["founded_year"] == {"type": "integer"}
    assert properties["revenue_bln_rub"] == {"type": "number"}
    answer = card_client.get("/collections/clusters/items?f=csv")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig")))}
    row = rows["CL-0200"]
    assert row["specialisations"] == "Aircraft; Shipbuilding"
    assert row["field_sources"].startswith("website | site of the cluster")
    assert row["description_en"].startswith("'=HYPERLINK")  # neutralised
    assert "contact_email" not in row
    chosen = card_client.get("/collections/clusters/items?specialisation=Shipbuilding").json()
    assert [f["id"] for f in chosen["features"]] == ["CL-0200"]
