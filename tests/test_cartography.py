"""The pieces of the static maps' cartography (``geo.render.cartography``), each on its own:
names, marker spreading and grouping, label placement, the scale bar's distances, frames.
The maps they make are tested whole in ``tests/test_static_maps.py``."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from geo.analysis.dataset import Dataset
from geo.render import views
from geo.render.cartography import frames, labels, names, scalebar, spread, weblabels
from geo.render.cartography.textmeter import TextMeter

# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "lang", "short"),
    [
        ("Moscow Oblast", "en", "Moscow Obl."),
        ("Republic of Tatarstan", "en", "Tatarstan"),
        ("Khanty-Mansi Autonomous Okrug", "en", "Khanty-Mansi AO"),
        ("Тверская область", "ru", "Тверская обл."),
        ("Республика Татарстан", "ru", "Татарстан"),
        ("Ханты-Мансийский автономный округ — Югра", "ru", "ХМАО — Югра"),
        ("Кемеровская область — Кузбасс", "ru", "Кемеровская обл."),
    ],
)
def test_short_names_and_variants(name: str, lang: str, short: str) -> None:
    assert names.short_name(name, lang) == short
    variants = names.label_variants(name, lang)
    assert variants[0] == name and short in variants
    assert any("\n" in v for v in variants)
    assert len(set(variants)) == len(variants)


def test_wrapping_keeps_every_word_and_hyphen() -> None:
    for text in ("Yamalo-Nenets Autonomous Okrug", "Карачаево-Черкесская Республика"):
        for option in names.wrapped(text, 3):
            assert option.replace("-\n", "-").replace("\n", " ") == text
    assert names.wrapped("Tyva") == []


def test_region_name_follows_the_language() -> None:
    row = {"name_en": "Tver Oblast", "name_ru": "Тверская область"}
    assert names.region_name(row, "ru") == "Тверская область"
    assert names.region_name(row, "en") == "Tver Oblast"
    assert names.region_name({"name_en": "X", "name_ru": " "}, "ru") == "X"


# --- markers -------------------------------------------------------------------------------------


def _no_overlap(layout: spread.MarkerLayout, diameter: float) -> None:
    circles = [(g.centre, g.radius) for g in layout.groups]
    for (c1, r1), (c2, r2) in itertools.combinations(circles, 2):
        assert np.hypot(c1[0] - c2[0], c1[1] - c2[1]) >= r1 + r2 - 1e-6
    singles = layout.drawn_xy[~layout.grouped_mask]
    for a, b in itertools.combinations(singles, 2):
        assert np.hypot(*(a - b)) >= diameter - 1e-6


def test_markers_sharing_a_point_are_spread_on_a_ring() -> None:
    pts = np.array([[100.0, 100.0]] * 3 + [[400.0, 400.0]])
    layout = spread.layout_markers(pts, 10.0)
    assert not layout.grouped_mask.any()
    assert layout.spread.tolist() == [True, True, True, False]
    assert layout.has_spokes and not layout.has_groups
    _no_overlap(layout, 10.0)
    assert np.allclose(layout.drawn_xy[:3].mean(axis=0), [100, 100])


def test_crowds_become_group_symbols_and_nothing_overlaps() -> None:
    rng = np.random.default_rng(1)
    pts = np.vstack(
        [
            rng.normal([200, 200], 3, (40, 2)),
            rng.normal([230, 200], 3, (5, 2)),
            rng.uniform(0, 1000, (200, 2)),
        ]
    )
    layout = spread.layout_markers(pts, 12.0)
    assert any(g.grouped and len(g.members) >= 40 for g in layout.groups)
    assert sorted(i for g in layout.groups for i in g.members) == list(range(len(pts)))
    _no_overlap(layout, 12.0)
    again = spread.layout_markers(pts, 12.0)
    assert np.array_equal(layout.drawn_xy, again.drawn_xy)


def test_groups_do_not_swallow_far_points() -> None:
    # A chain of touching markers across the map stays local: no set spans > 2.5 diameters.
    pts = np.column_stack([np.arange(0, 600, 8.0), np.zeros(75)])
    layout = spread.layout_markers(pts, 10.0)
    for g in layout.groups:
        reach = np.hypot(*(pts[list(g.members)] - g.origin).T).max()
        assert reach <= spread.SET_REACH * 10.0 + 1e-9
    _no_overlap(layout, 10.0)


def test_label_obstacles_cover_markers_and_their_true_points() -> None:
    pts = np.array([[100.0, 100.0]] * 2)
    layout = spread.layout_markers(pts, 10.0)
    boxes = layout.obstacles(1.0)
    assert labels.covers(boxes, layout.drawn_xy).all()
    assert labels.covers(boxes, pts).all()


# --- labels --------------------------------------------------------------------------------------


def _placer(obstacles: np.ndarray | None = None) -> labels.LabelPlacer:
    fig = Figure(figsize=(4, 4), dpi=100)
    FigureCanvasAgg(fig)
    frame = frames.Frame("main", (0.0, 0.0, 400.0, 400.0), (0.0, 400.0), (0.0, 400.0), 100)
    return labels.LabelPlacer(
        frame, TextMeter(fig), {"fontsize": 8}, 1.0, np.zeros((0, 4)) if obstacles is None
        else obstacles,
    )  # fmt: skip


def _request(code: str, geom: shapely.Geometry, variants: tuple[str, ...]) -> labels.LabelRequest:
    return labels.LabelRequest(code, variants, geom, frames.pole(geom), "#222222", leader=True)


def test_labels_go_inside_then_shorter_then_outside_and_never_overlap() -> None:
    big = shapely.box(20, 20, 380, 200)
    narrow = shapely.box(100, 250, 150, 270)  # room for "Short" only
    tiny = shapely.box(300, 300, 304, 304)  # room for nothing: a leader line
    placer = _placer()
    requests = [
        _request("BIG", big, ("A long region name",)),
        _request("NAR", narrow, ("Much too long for it", "Sh")),
        _request("TINY", tiny, ("Tiny",)),
    ]
    placed = {p.code: p for p in labels.place_labels(placer, requests)}
    assert placed["BIG"].how == "inside" and placed["BIG"].text == "A long region name"
    assert placed["NAR"].text == "Sh"
    assert placed["TINY"].how == "leader" and placed["TINY"].leader is not None
    boxes = np.array([p.box for p in placed.values()])
    for i, box in enumerate(boxes):
        assert not labels.boxes_overlap(box[None, :], np.delete(boxes, i, axis=0)).any()
    assert shapely.contains(big, shapely.box(*placed["BIG"].box))


def test_a_region_without_room_is_left_out() -> None:
    # An obstacle covers the whole axes: no label can go anywhere.
    placer = _placer(np.array([[0.0, 0.0, 400.0, 400.0]]))
    req = _request("X", shapely.box(20, 20, 380, 380), ("Name",))
    assert labels.place_labels(placer, [req]) == []


# --- scale bar and frames ------------------------------------------------------------------------


def test_nice_distances() -> None:
    got = [scalebar.nice_km(v) for v in (0.9, 3.0, 7.5, 180, 999, 1000)]
    assert got == [0.5, 2.0, 5.0, 100.0, 500.0, 1000.0]


def test_scale_texts_follow_the_language() -> None:
    bar = scalebar.ScaleBar(500.0, 5e5, 90.4, 67.2)
    assert scalebar.scale_texts(bar, "en") == (
        "500 km",
        "Scale true at the map centre (67° N, 90° E); Albers equal-area conic: the scale "
        "varies across the map.",
    )
    end, note = scalebar.scale_texts(bar, "ru")
    assert end == "500 км" and "67°" in note and "Альберс" in note


def test_frames_fit_and_convert() -> None:
    xlim, ylim = frames.fit_limits((0, 0, 100, 50), 400, 100, 0.1)
    assert xlim[1] - xlim[0] == pytest.approx(4 * (ylim[1] - ylim[0]))
    assert ylim == pytest.approx((-10, 60))  # the padded height fills the axes
    frame = frames.Frame("main", (10.0, 20.0, 400.0, 100.0), xlim, ylim, 300)
    px, py = frame.to_px(np.array([0.0]), np.array([0.0]))
    assert np.concatenate(frame.to_data(px, py)) == pytest.approx([0.0, 0.0])
    assert frame.metres_per_point == pytest.approx(300 / 72 / frame.scale)


# --- labels of the HTML export --------------------------------------------------------------


@pytest.mark.parametrize(("territory", "lang"), [("RU", "en"), ("Central", "ru")])
def test_web_labels_cover_the_territory_in_its_language_by_priority(
    data: Dataset, territory: str, lang: str
) -> None:
    rv = views.resolve_view(data, views.View(territory, lang=lang))
    counts = rv.clusters["region_code"].value_counts().to_dict()
    entries = weblabels.region_labels(rv.regions, lang, counts)
    assert sorted(e["c"] for e in entries) == sorted(rv.regions["code"])
    column = "name_ru" if lang == "ru" else "name_en"
    names_of = dict(zip(rv.regions["code"], rv.regions[column], strict=True))
    for entry in entries:
        assert entry["t"][0] == names_of[entry["c"]]  # the full name first
        assert len(entry["t"]) == len(set(entry["t"]))
    # Regions with more clusters come first.
    order = [counts.get(e["c"], 0) for e in entries]
    assert order == sorted(order, reverse=True)
    # The anchor lies inside its region (map coordinates = Albers metres / MAP_SCALE).
    albers = rv.regions.to_crs(weblabels.projection.ALBERS).set_index("code").geometry
    for entry in entries:
        scale = weblabels.projection.MAP_SCALE
        point = shapely.Point(entry["x"] * scale, entry["y"] * scale)
        assert albers[entry["c"]].buffer(1000).contains(point), entry["c"]
