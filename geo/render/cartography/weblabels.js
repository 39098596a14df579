/**
 * Region labels of the HTML export (geo.render.cartography.weblabels).
 *
 * labels: [{c: code, y, x: anchor in the map's coordinates, t: [texts, best first]}] in
 * priority order; note: the "not labelled" sentence with {names}; noteId: the element
 * that shows it. After every zoom (positions are layer pixels, so panning changes
 * nothing), each region in turn gets its first text whose box overlaps no label already
 * shown and no cluster marker or group; a region with no such text is left unlabelled
 * at this zoom and named in the note. Text is set with textContent (never parsed as HTML).
 */
(function (map, labels, note, noteId) {
  var pane = map.createPane("cmLabels");
  pane.style.zIndex = 440;  // above the regions, below the cluster markers
  pane.style.pointerEvents = "none";
  var layer = L.layerGroup().addTo(map);
  var ctx = document.createElement("canvas").getContext("2d");
  var FONT = "600 11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var PAD = 3, HEIGHT = 15;
  var marks = labels.map(function (d) {
    return {d: d, m: null};
  });
  function obstacles() {
    var out = [], clusters = map.getPane("cmClusters"), origin = map.getContainer();
    if (!clusters) { return out; }
    var o = origin.getBoundingClientRect();
    clusters.querySelectorAll("path, .cm-group").forEach(function (el) {
      var r = el.getBoundingClientRect();
      if (!r.width && !r.height) { return; }
      var a = map.containerPointToLayerPoint([r.left - o.left, r.top - o.top]);
      out.push({x0: a.x, y0: a.y, x1: a.x + r.width, y1: a.y + r.height});
    });
    return out;
  }
  function overlaps(b) {
    return function (o) { return b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1; };
  }
  function icon(text, w) {
    var span = document.createElement("span");
    span.textContent = text;
    return L.divIcon({html: span, className: "cm-region-label", iconSize: [w, HEIGHT],
      iconAnchor: [w / 2, HEIGHT / 2]});
  }
  function place() {
    ctx.font = FONT;
    var boxes = obstacles(), omitted = [];
    layer.clearLayers();
    marks.forEach(function (item) {
      var d = item.d, p = map.latLngToLayerPoint([d.y, d.x]), chosen = null;
      for (var k = 0; k < d.t.length && !chosen; k++) {
        var w = Math.ceil(ctx.measureText(d.t[k]).width) + 2 * PAD;
        var b = {x0: p.x - w / 2, y0: p.y - HEIGHT / 2, x1: p.x + w / 2, y1: p.y + HEIGHT / 2,
          t: d.t[k], w: w};
        if (!boxes.some(overlaps(b))) { chosen = b; }
      }
      if (!chosen) { omitted.push(d.t[0]); return; }
      boxes.push(chosen);
      var m = L.marker([d.y, d.x], {pane: "cmLabels", interactive: false, keyboard: false,
        icon: icon(chosen.t, chosen.w)});
      m.on("add", function () { m.getElement().setAttribute("data-code", d.c); });
      layer.addLayer(m);
    });
    var el = document.getElementById(noteId);
    if (el) {
      el.textContent = omitted.length ? note.replace("{names}", omitted.join(", ")) : "";
      el.setAttribute("data-omitted", String(omitted.length));
    }
  }
  map.on("zoomend", function () { setTimeout(place, 0); });
  map.whenReady(function () { setTimeout(place, 0); });
})
