"""Colours shared by maps, charts and exports, chosen to stay apart for colour-blind readers.

Scenario colours are taken from the Okabe–Ito palette (Okabe & Ito, 2008), designed to be
distinguishable under the common colour-vision deficiencies; "not assessed" is a neutral
grey so it never reads as a scenario.
"""

from __future__ import annotations

SCENARIO_COLOURS: dict[str, str] = {
    "supported": "#009E73",  # bluish green
    "lonely": "#E69F00",  # orange
    "late": "#0072B2",  # blue
    "potential": "#CC79A7",  # reddish purple
    "not assessed": "#9E9E9E",  # grey
}

SCENARIO_LABELS: dict[str, str] = {
    "supported": "Supported: cluster and region both internationally active",
    "lonely": "Lonely: active cluster, less active region",
    "late": "Late: less active cluster in an active region",
    "potential": "Potential: neither yet active",
    "not assessed": "Not assessed: no index for the cluster or its region",
}
