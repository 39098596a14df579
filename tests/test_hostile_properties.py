"""Property-based tests (Hypothesis) of the parsers of files, numbers and URL state.

Each property states what must hold for *every* input; Hypothesis searches for a
counter-example and shrinks it. Example counts are kept small so the module runs in well
under a minute, and derandomised (the same examples every run, no example database);
``HOSTILE_EXAMPLES=500`` searches deeper. ``docs/HOSTILE.md`` lists the properties.
"""

from __future__ import annotations

import json
import math
import os
import re

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st
from pydantic_core import PydanticCustomError

from geo.analysis import filters, measures, profiles
from geo.data import records
from geo.registry import importer, sources
from geo.render import classify, urlstate
from geo.render.views import View
from tests.support import hostile_corpus as corpus, hostile_harness as harness
from tests.support.hostile_fixtures import reference, template

__all__ = ["reference", "template"]  # fixtures, used by name

N = int(os.environ.get("HOSTILE_EXAMPLES", "30"))
FAST = settings(
    max_examples=N,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CHEAP = settings(max_examples=N * 5, deadline=None, derandomize=True, database=None)

# --------------------------------------------------------------------------- files

EXTENSIONS = [".csv", ".tsv", ".txt", ".xlsx", ".json", ".geojson"]
CELL = st.text(max_size=40)  # any Unicode, control characters included
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def _parse(refs, state, name, data, kind="clusters"):
    parsed = importer.parse_bytes(name, data, kind, refs)
    return parsed, importer.plan_import(parsed, state, refs)


def test_parse_never_raises_on_any_bytes(reference):
    """``parse_bytes`` + ``plan_import`` never raise, whatever the bytes and extension."""
    refs, state = reference

    @FAST
    @given(data=st.binary(max_size=3000), ext=st.sampled_from(EXTENSIONS))
    def prop(data, ext):
        _parse(refs, state, "upload" + ext, data)

    prop()


def test_parse_never_raises_on_csv_tables(reference):
    """Any table of any Unicode cells under a valid header: no exception."""
    refs, state = reference

    @FAST
    @given(
        body=st.lists(st.lists(CELL, max_size=10), max_size=5),
        sep=st.sampled_from([",", ";", "\t"]),
    )
    def prop(body, sep):
        table = [list(corpus.CLUSTER_HEADER), *body]
        _parse(refs, state, "table.csv", corpus.csv_bytes(table, sep))

    prop()


def test_accepted_text_has_no_control_characters(reference):
    """A name that is accepted holds no NUL, C0 control, bidi or zero-width character."""
    refs, state = reference

    @FAST
    @given(name=CELL.filter(lambda s: s.strip() != ""))
    def prop(name):
        _parsed, plan = _parse(refs, state, "n.csv", corpus.cluster_csv(name_en=name))
        if plan.ok and plan.changes:
            after = plan.changes[0].after
            stored = str((after.values.get("name_en") if after else "") or "")
            assert not harness.CONTROL.search(stored), f"stored {stored!r}"

    prop()


def test_parse_never_raises_on_geojson_shapes(reference):
    """A wrong JSON type at any level (top, features, feature, properties, value)."""
    refs, state = reference

    @FAST
    @given(
        level=st.sampled_from(["top", "features", "feature", "properties", "value"]),
        value=JSON,
    )
    def prop(level, value):
        good = corpus.cluster_feature()
        if level == "top":
            doc = value
        elif level == "features":
            doc = corpus.feature_collection(value)
        elif level == "feature":
            doc = corpus.feature_collection([good, value])
        elif level == "properties":
            doc = corpus.feature_collection([{**good, "properties": value}])
        else:
            doc = corpus.feature_collection([corpus.cluster_feature(participants=value)])
        _parse(refs, state, "shape.geojson", json.dumps(doc, allow_nan=True).encode())

    prop()


def test_messages_are_bounded(reference):
    """A hostile cell of 600-900 characters is shortened in the problem line."""
    refs, state = reference

    @settings(max_examples=10, deadline=None, derandomize=True, database=None)
    @given(cell=st.text(min_size=600, max_size=900))
    def prop(cell):
        _parsed, plan = _parse(refs, state, "b.csv", corpus.cluster_csv(region_as_published=cell))
        for issue in plan.issues:
            assert len(str(issue)) <= harness.MAX_MESSAGE, f"{len(str(issue))} characters"

    prop()


# --------------------------------------------------------------------------- numbers

FINITE = st.floats(allow_nan=False, allow_infinity=False, width=64)


def _number(text):
    try:
        return records._parse_number(text), None
    except PydanticCustomError as err:
        return None, err.type


def test_number_parser_is_total_and_finite():
    """A cell reads as a finite number, a missing marker, or a reasoned refusal (never inf
    or nan, never an exception)."""

    @CHEAP
    @given(
        text=st.text(max_size=30)
        | st.from_regex(r"-?\d{1,20}(\.\d{1,20})?", fullmatch=True)
        | st.integers(1, 500).map(lambda n: "9" * n)
    )
    def prop(text):
        value, _error = _number(text)
        assert value is None or math.isfinite(value), f"{text[:30]!r} read as {value}"

    prop()


def test_number_repr_round_trip():
    """Python's repr of any finite float (1e+20, 5e-324) is read back, or refused with a
    reason other than 'not a number'."""

    @CHEAP
    @given(x=FINITE)
    def prop(x):
        text = repr(x)
        value, error = _number(text)
        assert value == x or (error is not None and error != "not_a_number"), (
            f"{text!r}: {error or value}"
        )

    prop()


def test_decimal_comma_and_digit_groups(reference):
    """'1 234 567,250' (any group space) reads as 1234567.25."""
    refs, _state = reference

    @CHEAP
    @given(
        whole=st.integers(0, 10**12),
        frac=st.integers(0, 999),
        space=st.sampled_from([" ", "\u00a0", "\u202f"]),
    )
    def prop(whole, frac, space):
        grouped = f"{whole:,}".replace(",", space) + f",{frac:03d}"
        value, _marker = importer._normalise_cell("clusters", "export_bln_rub", grouped, refs)
        parsed = records._parse_number(value)
        assert parsed == float(f"{whole}.{frac:03d}"), f"{grouped!r} → {parsed}"

    prop()


# --------------------------------------------------------------------------- URL state

URL_TEXT = (
    st.text(max_size=30)
    | st.text(st.characters(categories=["Nd", "No"]), max_size=3)
    | st.sampled_from(["²", "፩", "١٢", "𝟘", "-0", "08"])
)
URL_VALUE = URL_TEXT | st.lists(URL_TEXT, max_size=4)


def test_filter_url_round_trip():
    """``filter_from_query_params(filter_to_query_params(f)) == f`` for any values."""

    @CHEAP
    @given(
        values=st.fixed_dictionaries(
            {
                f.field: st.lists(st.text(min_size=1, max_size=20), max_size=3)
                for f in filters.FACETS
            }
        ),
        mne=st.sampled_from(list(filters.MNE_CHOICES)),
    )
    def prop(values, mne):
        flt = filters.ClusterFilter(**{k: tuple(v) for k, v in values.items()}, mne=mne)
        assert urlstate.filter_from_query_params(urlstate.filter_to_query_params(flt)) == flt

    prop()


def test_url_readers_never_raise():
    """The readers of filters, map view and dataset choice never raise on any URL values."""
    keys = [*filters.QUERY_KEYS, *urlstate.VIEW_QUERY_KEYS, *urlstate.DATASET_QUERY_KEYS, "zzz"]

    @CHEAP
    @given(params=st.dictionaries(st.sampled_from(keys), URL_VALUE, max_size=6))
    @example(params={"k": "²"})  # str.isdigit() is True, int() fails
    @example(params={"n": "፩", "data": "synthetic"})
    def prop(params):
        urlstate.filter_from_query_params(params)
        urlstate.view_from_query_params(params)
        urlstate.view_problems(params, "en")
        urlstate.view_problems(params, "ru")
        for lang in ("en", "ru"):
            _choice, problems = urlstate.choice_from_query_params(params, lang)
            assert all(len(p) <= harness.MAX_MESSAGE for p in problems)

    prop()


def test_map_view_round_trip():
    """``view_from_query_params(view_to_query_params(v)) == v``."""

    @CHEAP
    @given(
        measure=st.sampled_from([m.key for m in measures.available_measures()]),
        scheme=st.sampled_from(list(classify.SCHEMES)),
        k=st.integers(classify.MIN_CLASSES, classify.MAX_CLASSES),
        tiles=st.booleans(),
    )
    def prop(measure, scheme, k, tiles):
        view = View(measure=measure, scheme=scheme, k=k, tiles=tiles)
        assert urlstate.view_from_query_params(urlstate.view_to_query_params(view)) == view

    prop()


def test_dataset_choice_bounds():
    """A synthetic dataset from the URL is within 1..20,000 clusters, or refused with a
    short message."""

    @CHEAP
    @given(n=URL_TEXT | st.integers(-10, 10**25).map(str), seed=URL_TEXT | st.integers().map(str))
    def prop(n, seed):
        choice, problems = urlstate.choice_from_query_params(
            {"data": "synthetic", "n": n, "seed": seed}, "en"
        )
        if not problems:
            assert choice.synthetic and 1 <= (choice.n or 0) <= urlstate.APP_MAX_CLUSTERS
        for p in problems:
            assert len(p) <= harness.MAX_MESSAGE, f"{len(p)} characters"
            assert not harness.CONTROL.search(p), p

    prop()


@pytest.fixture(scope="module")
def regions():
    return sources.load_dataset().regions


def test_region_code_lookup(regions):
    """The region page's code lookup never raises, and finds only region codes."""

    @CHEAP
    @given(code=URL_TEXT)
    def prop(code):
        found = profiles.find_region_code(regions, code)
        assert found is None or re.fullmatch(r"RU-[A-Z]{2,3}", found)

    prop()
