"""Leaflet on the page: its offline assets, the map's own JavaScript and CSS (package files
``*.js`` and ``map.css`` here, read with ``importlib.resources``) and the folium elements
that put them on a map (``geo.render.leaflet.elements``)."""
