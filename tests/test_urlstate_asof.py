"""geo.render.urlstate, "as of" part (issue 17): the registry version a URL asks for
(``version`` canonical, ``asof`` a date), the Changes page's ``from``/``to``, and the
dataset choice carrying the version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from geo.registry.store import version_at as AT  # the store's rule, which the app passes in
from geo.render import urlstate

TIMES = [
    (1, datetime(2026, 1, 10, 9, 0, tzinfo=UTC)),
    (2, datetime(2026, 3, 1, 9, 0, tzinfo=UTC)),
    (3, datetime(2026, 3, 1, 17, 30, tzinfo=UTC)),
    (4, datetime(2026, 11, 30, 12, 0, tzinfo=UTC)),
]


# --------------------------------------------------------------------------- moments


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-30", datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=UTC)),
        (" 2026-11-30 ", datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2026-11-30T08:15", datetime(2026, 11, 30, 8, 15, tzinfo=UTC)),
        ("2026-11-30 08:15:30", datetime(2026, 11, 30, 8, 15, 30, tzinfo=UTC)),
        ("2026-11-30T08:15:00Z", datetime(2026, 11, 30, 8, 15, tzinfo=UTC)),
        ("2026-11-30T08:15+03:00", datetime(2026, 11, 30, 5, 15, tzinfo=UTC)),
    ],
)
def test_a_date_is_the_end_of_that_day_and_a_time_is_that_moment(text, expected):
    moment = urlstate.parse_moment(text)
    assert moment is not None and moment.tzinfo is not None
    assert moment == expected


@pytest.mark.parametrize(
    "text",
    ["", "yesterday", "30.11.2026", "2026-02-30", "2026-1-5", "20261130", "2026-11-30T25:00",
     "2026-11-30; DROP TABLE versions", "2026-11-30" * 50, "１２３４-11-30"],
)  # fmt: skip
def test_garbage_names_no_moment(text):
    assert urlstate.parse_moment(text) is None


def test_a_url_moment_resolves_by_the_stores_rule():
    """What a URL's date means, read by the store's rule (``store.version_at``)."""
    assert isinstance(AT(TIMES, datetime(2026, 1, 10, 8, 59, tzinfo=UTC)), str)  # none yet
    assert AT(TIMES, datetime(2026, 1, 10, 9, 0, tzinfo=UTC)) == 1  # made at that moment
    assert AT(TIMES, urlstate.parse_moment("2026-02-15")) == 1
    assert AT(TIMES, urlstate.parse_moment("2026-03-01")) == 3  # the end of that day: both
    assert AT(TIMES, urlstate.parse_moment("2026-03-01T12:00")) == 2
    assert AT(TIMES, urlstate.parse_moment("2099-01-01")) == 4
    # A moment in another zone is the same moment.
    moscow = timezone(timedelta(hours=3))
    assert AT(TIMES, datetime(2026, 3, 1, 12, 0, tzinfo=moscow)) == 2
    assert AT(TIMES, datetime(2026, 3, 1, 11, 59, tzinfo=moscow)) == 1


# --------------------------------------------------------------------------- the URL's version


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, None),
        ({"version": "2"}, 2),
        ({"version": ["1", "4"]}, 4),  # repeated: the last one
        ({"version": " 3 "}, 3),
        ({"asof": "2026-02-15"}, 1),
        ({"asof": ["2026-03-01"]}, 3),
        ({"asof": "2026-03-01T10:00Z"}, 2),
        ({"asof": "2031-01-01"}, 4),
    ],
)
def test_the_url_names_a_version_by_number_or_date(params, expected):
    assert urlstate.version_from_query_params(params, TIMES, AT) == (expected, [])


@pytest.mark.parametrize(
    ("params", "english"),
    [
        ({"version": "0"}, "version: there is no version 0; the registry has versions 1 to 4"),
        ({"version": "5"}, "version: there is no version 5; the registry has versions 1 to 4"),
        ({"version": "v3"}, "version must be a version number (1 or more), not 'v3'"),
        ({"version": "2026-02-01"}, "version must be a version number (1 or more), not '2026-02-01'"),  # noqa: E501
        ({"asof": "3"}, "asof must be a date (YYYY-MM-DD) or a date and time, not '3'"),
        ({"asof": "soon"}, "asof must be a date (YYYY-MM-DD) or a date and time, not 'soon'"),
        (
            {"asof": "2025-12-31"},
            "asof: there is no version as of 2025-12-31; the registry's first version is of "
            "2026-01-10 09:00 UTC",
        ),
    ],
)  # fmt: skip
def test_bad_values_show_the_latest_and_are_named(params, english):
    assert urlstate.version_from_query_params(params, TIMES, AT) == (None, [english])


def test_bad_values_are_named_in_russian():
    version, problems = urlstate.version_from_query_params({"asof": "2025-12-31"}, TIMES, AT, "ru")
    assert version is None
    assert problems == [
        "asof: нет версии на 2025-12-31; первая версия реестра — от 2026-01-10 09:00 UTC"
    ]
    _, problems = urlstate.version_from_query_params({"version": "9"}, TIMES, AT, "ru")
    assert problems == ["version: нет версии 9; в реестре версии с 1 по 4"]


def test_version_wins_over_asof_and_says_so():
    version, problems = urlstate.version_from_query_params(
        {"version": "2", "asof": "2026-11-30"}, TIMES, AT
    )
    assert version == 2
    assert problems == ["version and asof were both given; version 2 is shown"]


def test_no_store_or_a_synthetic_registry_has_no_versions():
    assert urlstate.version_from_query_params({"version": "1"}, None, AT) == (
        None,
        ["version and asof need the registry store, which could not be opened"],
    )
    assert urlstate.version_from_query_params({"asof": "2026-01-01"}, [], AT, "en")[0] is None
    assert urlstate.version_from_query_params({"version": "1"}, TIMES, AT, synthetic=True) == (
        None,
        ["version and asof apply only to the registry, not with data=synthetic"],
    )
    # Without a version parameter nothing is asked of the store.
    assert urlstate.version_from_query_params({"data": "synthetic"}, None, AT, synthetic=True) == (
        None,
        [],
    )


def test_a_version_reference_takes_a_number_or_a_date_as_told():
    ref = urlstate.version_reference
    assert ref("from", "2", TIMES, AT) == (2, None)
    assert ref("from", "2026-03-01T12:00", TIMES, AT) == (2, None)
    assert ref("to", "2026-03-01", TIMES, AT, accept="version")[0] is None
    assert ref("to", "3", TIMES, AT, accept="date")[0] is None
    assert ref("to", "x", TIMES, AT) == (
        None,
        "to must be a version number or a date (YYYY-MM-DD), not 'x'",
    )


# --------------------------------------------------------------------------- the dataset choice


def test_the_choice_carries_the_version_and_writes_only_version():
    choice = urlstate.DatasetChoice(version=3)
    assert choice.to_query_params() == {"version": ["3"]}
    assert urlstate.DatasetChoice().to_query_params() == {}
    # What the URL writes reads back as the same version.
    assert urlstate.version_from_query_params(choice.to_query_params(), TIMES, AT) == (3, [])
    assert choice != urlstate.DatasetChoice() and choice.key() == ("published", None, None)
    assert urlstate.VERSION_QUERY_KEY in urlstate.DATASET_QUERY_KEYS
    assert urlstate.AS_OF_QUERY_KEY in urlstate.DATASET_QUERY_KEYS


@pytest.mark.parametrize("bad", [0, -1, True, 2.0, "3"])
def test_the_choice_refuses_a_bad_version(bad):
    with pytest.raises(ValueError, match="version"):
        urlstate.DatasetChoice(version=bad)


def test_a_synthetic_choice_has_no_version():
    with pytest.raises(ValueError, match="only to the registry"):
        urlstate.DatasetChoice("synthetic", 10, 1, version=2)


# --------------------------------------------------------------------------- the Changes page


def test_changes_span_from_the_url():
    span = urlstate.span_from_query_params
    assert span({}, TIMES, AT, (3, 4)) == (3, 4, [])
    assert span({"from": "1", "to": "2026-03-01T10:00"}, TIMES, AT, (3, 4)) == (1, 2, [])
    assert span({"from": "4", "to": "1"}, TIMES, AT, (3, 4)) == (4, 1, [])  # as given
    old, new, problems = span({"from": "2025-01-01", "to": "[x](y)"}, TIMES, AT, (3, 4), "en")
    assert (old, new) == (3, 4)
    assert problems == [
        "from: there is no version as of 2025-01-01; the registry's first version is of "
        "2026-01-10 09:00 UTC",
        "to must be a version number or a date (YYYY-MM-DD), not '[x](y)'",
    ]
