"""Cartography of the static maps (issue 18): the pieces the static exports
(``geo.render.exports.static``) compose a page from, each usable and tested on its own.

* ``layouts``: the page layouts (``screen`` 11 × 7 in at 150 dpi; A4 and A3, portrait and
  landscape, at 300 dpi), text sizes;
* ``names``: region names for labels, short forms and wrapped variants;
* ``textmeter``: text sizes as the renderer lays them out (cached per process);
* ``frames``: a map axes on the page (pixels) and the projected area it shows; outlines
  simplified to print resolution; poles of inaccessibility;
* ``spread``: cluster markers that would overlap are spread on a ring, grouped into one
  symbol with a count, or pushed apart;
* ``labels``: greedy, deterministic placement of region labels without overlaps (inside,
  mostly inside, outside with a leader line, else omitted and listed);
* ``scalebar``: a scale bar in km, its length solved on the ellipsoid for the projection;
* ``insets``: the insets of the whole-country map (Moscow, St Petersburg, Central Russia);
* ``weblabels``: region labels of the HTML export (anchors, texts, priority), placed in the
  browser at every zoom by ``weblabels.js``.

Nothing here knows about exports or pages' furniture; no pyplot (bare ``Figure`` objects
are safe in a server's threads).
"""
