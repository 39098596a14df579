"""Exports of a regional view: interactive map, static map, geodata and tables.

Every format is one function taking a resolved view (``geo.render.views.resolve_view``) and
returning bytes, registered in one table (``geo.render.exports.formats``) that the page's
export panel and ``clustermap export`` both read, so they share one code path
(``formats.export_view``). The modules, by family: ``context`` (title, time, version,
sources, file name) and ``metadata`` (every export's statement of its view); ``interactive``
(html); ``static`` (png, svg, pdf); ``geodata`` (geojson, gpkg); ``tables`` (csv, xlsx) with
``formulas`` (spreadsheet safety, a light module); ``formats`` (the table and
``export_view``). This package imports none of them itself, so importing ``formulas``
stays cheap. What each format holds, and the choices made:

* ``html``: the map page's own map (``geo.render.maps.map_layers``: same payload, classes,
  colours, tooltips, legend, markers) for the territory, as one standalone file: Leaflet
  1.9.4 from the ``django-js-lib-leaflet`` package is inlined as ``data:`` URLs, nothing is fetched.
  A header gives the title, export time and filters, a footer the sources. The popups'
  link to the app's cluster profile is left out (it cannot work from a file);
* ``png``/``svg``/``pdf``: a static map drawn with matplotlib from the detailed geometry
  projected by GeoPandas to the map's Albers equal-area conic, fit to the territory, with
  the screen's classes, colours, "no data" hatching and marker encoding, a legend, title
  and source note. SVG keeps text as text (editable in slide software);
* ``geojson``: **one** FeatureCollection (RFC 7946 structure): the territory's regions
  (detailed geometry) with the measure and indicators, then the clusters as points; each
  feature's ``layer`` property says which ("regions" or "clusters"), and a top-level
  ``metadata`` member (a foreign member, ignored by tools that do not know it) carries the
  view's settings and sources. One file opens directly in QGIS, geojson.io or Leaflet;
* ``gpkg``: a GeoPackage with two layers, ``regions`` and ``clusters``; the metadata is
  the dataset metadata of the file (GDAL's ``gpkg_metadata``);
* ``csv``: **one zip** holding ``clusters.csv``, ``mne_links.csv``,
  ``regional_indicators.csv`` and ``metadata.txt``, so the settings and sources travel
  with the numbers. CSVs are UTF-8 with a byte-order mark (spreadsheet software then reads
  the Cyrillic names correctly);
* ``xlsx``: the same three tables as sheets plus a ``metadata`` sheet.

Longitudes: the shipped geometry writes Chukotka east of 180° as 180–191 so the region
stays whole; geodata exports keep that convention (stated in their metadata).

Missing values: a text field the sources do not report is written "not reported"; a
missing number is an empty cell (``null`` in GeoJSON), never 0; a region without a value
of the measure is in class "no data".

Safety: every text from the data is HTML-escaped in the HTML export (the map's modules
escape tooltips, popups and legend; ``interactive`` escapes the header and footer). In CSV
and XLSX a text cell a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return) is prefixed with a single quote; numbers, negative
ones included, stay numbers. File names are built from a slug of the territory and measure only.
"""
