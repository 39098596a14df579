/**
 * The cluster markers (geo.render.leaflet.elements.ClusterLayer).
 *
 * points is the columnar payload of geo.render.markers.cluster_points; config holds the
 * colours, marker styles, texts (HTML-escaped) and the grouping settings. Without
 * config.groupOverlaps and up to config.groupAbove clusters: one marker each, spread around
 * shared points by pixel offsets. Otherwise markers are grouped, redrawn after every move
 * (only the layers that change are replaced): up to groupAbove clusters, markers whose
 * centres are closer than config.overlapPx (and those linked to them so) are one group;
 * above it, the markers of each screen cell are. A group symbol is a pie of scenarios, a
 * dark arc for the share with MNE links and the number; clicking it zooms in when zooming
 * can split it, otherwise spreads its markers on a ring around the point (joined to it by
 * legs; a click on the map or a zoom folds them back), or lists a large group. Tooltips
 * and popups are built here from the payload. Keyboard: single markers and group symbols
 * are one tab stop (window.cmRoving of regions.js), named by their tooltips; Enter opens a
 * marker's popup and puts the focus on its link (Escape gives it back), or acts on a group
 * (a spread group hands the focus to its first marker). Values are JSON placeholders
 * filled in by the Python side; parent is the feature group's variable. This header is not
 * sent to the browser.
 */
(function (parent) {
  var P = /*@points*/null, K = /*@config*/null;
  var T = K.text, n = P.id.length, scale = Math.pow(10, P.d);
  function pick(list, i) { return i >= 0 ? list[i] : T.missing; }
  function fixed(v, d) {
    return v === null || v === undefined ? T.missing : v.toFixed(d).replace(".", K.decimal);
  }
  function href(i) { return K.profile + (P.q[i] || P.id[i]); }
  function lat(i) { return P.y[i] / scale; }
  function lng(i) { return P.x[i] / scale; }
  function popup(i) {
    if (P.p) { return P.p[i]; }
    var index = fixed(P.i[i], 2);
    if (P.ip[i] !== undefined) { index += " (" + T.published + " " + fixed(P.ip[i], 1) + ")"; }
    var rows = [[T.city, pick(P.lk.city, P.c[i])], [T.region, pick(P.lk.regionName, P.r[i])],
      [T.industry, pick(P.lk.industry, P.g[i])], [T.status, pick(P.lk.status, P.st[i])],
      [T.index, index], [T.scenario, K.scenarios[P.s[i]]], [T.mne, String(P.m[i])]];
    var note = P.b[i] === 1 ? T.noteCity : (P.b[i] === 2 ? T.noteRegion : "");
    return '<div class="cm-pop"><b>' + P.t[i] + '</b> <span class="cm-id">' + P.id[i] +
      "</span><table>" + rows.map(function (r) {
        return "<tr><th>" + r[0] + "</th><td>" + r[1] + "</td></tr>";
      }).join("") + "</table>" + (note ? '<p class="cm-note">' + note + "</p>" : "") +
      (K.profile === null ? "" :
        '<a href="' + href(i) + '" target="_blank" rel="noopener">' + T.profile + "</a>") +
      "</div>";
  }
  function dot(i, offset) {
    var mne = P.m[i] > 0, s = mne ? K.mne : K.plain;
    var marker = new window.CmDot([lat(i), lng(i)], {
      offset: offset, radius: s.radius, color: s.color, weight: s.weight,
      fillColor: K.colours[P.s[i]], fillOpacity: 1, pane: "cmClusters",
      className: "cm-cluster" + (mne ? " cm-mne" : "")
    });
    var region = P.r[i] >= 0 ? P.lk.region[P.r[i]] : null;
    marker.feature = {type: "Feature", properties: {kind: "cluster", id: P.id[i], region: region}};
    marker.bindTooltip(P.t[i], {sticky: true});
    marker.bindPopup(function () { return popup(i); }, {maxWidth: 340});
    marker.cmLabel = plainText(P.t[i]) + ", " + plainText(K.scenarios[P.s[i]]) +
      (mne ? ", " + plainText(T.mne) + ": " + P.m[i] : "");
    marker.on("add", function () { if (keys) { keys(marker); } });
    marker.on("cmfocus", function () {
      var map = parent._map;
      if (map && !map.getBounds().contains(marker.getLatLng())) { map.panTo(marker.getLatLng()); }
      marker.setStyle(K.focus);
      marker.setRadius(s.radius + 2);
      marker.openTooltip();
    });
    marker.on("cmblur", function () {
      marker.setStyle({color: s.color, weight: s.weight});
      marker.setRadius(s.radius);
      if (!marker.isPopupOpen()) { marker.closeTooltip(); }
    });
    marker.on("popupopen", function (ev) { if (marker.cmByKey) { focusPopup(marker, ev); } });
    return marker;
  }
  // Opened by the keyboard: the focus goes to the popup's link (or its close button), and
  // Escape closes the popup and gives the focus back to the marker.
  function focusPopup(marker, ev) {
    marker.cmByKey = false;
    var box = ev.popup.getElement();
    var link = box.querySelector(".leaflet-popup-content a[href]") ||
      box.querySelector(".leaflet-popup-close-button");
    if (link) { link.focus({preventScroll: true}); }
    box.onkeydown = function (k) {
      if (k.key === "Escape") {
        marker.closePopup();
        marker.getElement().focus({preventScroll: true});
      }
    };
  }
  function plainText(t) { return window.cmPlain ? window.cmPlain(t) : String(t); }
  var singles = L.featureGroup().addTo(parent);
  // Group symbols sit in a plain layer group: a click on one zooms in or spreads it without
  // reaching the page (no rerun); single markers report their clicks through the parent.
  var groups = L.layerGroup().addTo(parent);
  function markerLayers() { return singles.getLayers().concat(groups.getLayers()); }
  var keys = window.cmRoving ? window.cmRoving(markerLayers, function (marker, e) {
    marker.cmByKey = true;
    marker.fire("click", {latlng: marker.getLatLng(), originalEvent: e}, true);
  }) : null;
  if (n <= K.groupAbove && !K.groupOverlaps) {
    for (var i = 0; i < n; i++) { singles.addLayer(dot(i, P.o[i] || [0, 0])); }
    return;
  }
  // Grouped markers: up to groupAbove clusters (with groupOverlaps), markers that overlap
  // at the current zoom are one group symbol; above it, the markers of each screen cell
  // are. A symbol is a pie of scenarios, a dark arc for the share with MNE links and the
  // number; redrawn after every move (only what changed is replaced).
  var px = null, py = null, shown = new Map(), spread = null, legs = L.layerGroup();
  function project(map) {
    px = new Float64Array(n); py = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      var p = map.project([lat(i), lng(i)], 0);
      px[i] = p.x; py[i] = p.y;
    }
  }
  function newGroup() {
    return {members: [], sx: 0, sy: 0, mne: 0, counts: K.colours.map(function () { return 0; })};
  }
  function join(g, i, x, y) {
    g.members.push(i); g.sx += x; g.sy += y; g.counts[P.s[i]] += 1;
    if (P.m[i] > 0) { g.mne += 1; }
  }
  // The markers of each screen cell in view (many clusters: cheap at any number).
  function cellGroups(map, z) {
    var f = Math.pow(2, z), cell = K.cellPx, view = map.getPixelBounds(), cells = new Map();
    var x0 = view.min.x - cell, y0 = view.min.y - cell;
    var x1 = view.max.x + cell, y1 = view.max.y + cell;
    for (var i = 0; i < n; i++) {
      var x = px[i] * f, y = py[i] * f;
      if (x < x0 || x > x1 || y < y0 || y > y1) { continue; }
      var key = Math.floor(x / cell) + ":" + Math.floor(y / cell), g = cells.get(key);
      if (!g) { g = newGroup(); cells.set(key, g); }
      join(g, i, x, y);
    }
    return Array.from(cells.values());
  }
  // Markers linked by overlaps (centres closer than overlapPx at zoom z) are one group.
  function overlapGroups(map, z) {
    var f = Math.pow(2, z), d2 = K.overlapPx * K.overlapPx, root = new Int32Array(n);
    function find(i) {
      while (root[i] !== i) { root[i] = root[root[i]]; i = root[i]; }
      return i;
    }
    for (var i = 0; i < n; i++) { root[i] = i; }
    for (i = 0; i < n; i++) {
      for (var j = i + 1; j < n; j++) {
        var dx = (px[i] - px[j]) * f, dy = (py[i] - py[j]) * f;
        if (dx * dx + dy * dy < d2) { root[find(i)] = find(j); }
      }
    }
    var byRoot = new Map();
    for (i = 0; i < n; i++) {
      var r = find(i), g = byRoot.get(r);
      if (!g) { g = newGroup(); byRoot.set(r, g); }
      join(g, i, px[i] * f, py[i] * f);
    }
    return Array.from(byRoot.values());
  }
  function short(k) { return k >= 10000 ? Math.round(k / 1000) + "k" : String(k); }
  function pie(g, total, size) {
    var c = size / 2, r = c - 3, a = -Math.PI / 2, out = [];
    function f(v) { return v.toFixed(2); }
    g.counts.forEach(function (k, s) {
      if (!k) { return; }
      if (k === total) {
        out.push('<circle cx="' + c + '" cy="' + c + '" r="' + r + '" fill="' + K.colours[s] +
          '"/>');
        return;
      }
      var b = a + 2 * Math.PI * k / total, large = b - a > Math.PI ? 1 : 0;
      out.push('<path d="M' + c + "," + c + "L" + f(c + r * Math.cos(a)) + "," +
        f(c + r * Math.sin(a)) + "A" + r + "," + r + " 0 " + large + " 1 " +
        f(c + r * Math.cos(b)) + "," + f(c + r * Math.sin(b)) + 'Z" fill="' + K.colours[s] + '"/>');
      a = b;
    });
    var R = c - 1.5, len = 2 * Math.PI * R;
    out.push('<circle cx="' + c + '" cy="' + c + '" r="' + R +
      '" fill="none" stroke="#ffffff" stroke-width="3"/>');
    if (g.mne > 0) {
      out.push('<circle class="cm-group-mne" cx="' + c + '" cy="' + c + '" r="' + R +
        '" fill="none" stroke="' + K.mne.color + '" stroke-width="3" stroke-dasharray="' +
        f(len * g.mne / total) + " " + f(len) + '" transform="rotate(-90 ' + c + " " + c + ')"/>');
    }
    out.push('<circle cx="' + c + '" cy="' + c + '" r="' + f(r * 0.6) + '" fill="#ffffff"/>');
    out.push('<text x="' + c + '" y="' + c + '" dy="0.35em" text-anchor="middle" ' +
      'font-size="10" font-weight="600" fill="#111111">' + short(total) + "</text>");
    return '<svg width="' + size + '" height="' + size + '" viewBox="0 0 ' + size + " " + size +
      '" data-count="' + total + '" data-mne="' + g.mne + '" aria-hidden="true">' +
      out.join("") + "</svg>";
  }
  function groupTip(g, total, action) {
    var parts = [];
    g.counts.forEach(function (k, s) { if (k) { parts.push(K.scenarios[s] + ": " + k); } });
    return "<b>" + T.clusters.replace("{n}", total) + "</b><br>" + parts.join(" · ") + "<br>" +
      T.withMne.replace("{n}", g.mne) + "<br><i>" + T[action] + "</i>";
  }
  function listHtml(g) {
    var shown = g.members.slice(0, K.listMax), rest = g.members.length - shown.length;
    return '<div class="cm-pop"><b>' + T.clusters.replace("{n}", g.members.length) + "</b><ul>" +
      shown.map(function (i) {
        var name = K.profile === null ? P.t[i] :
          '<a href="' + href(i) + '" target="_blank" rel="noopener">' + P.t[i] + "</a>";
        return "<li>" + name + " (" + K.scenarios[P.s[i]] +
          (P.m[i] > 0 ? ", " + T.mne + ": " + P.m[i] : "") + ")</li>";
      }).join("") + "</ul>" + (rest > 0 ? T.more.replace("{n}", rest) : "") + "</div>";
  }
  // What a click on a group does: zoom in when zooming can split it, else spread its
  // markers around the point (a small group) or list them (a large one).
  function groupAction(map, g, z) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    g.members.forEach(function (i) {
      x0 = Math.min(x0, px[i]); x1 = Math.max(x1, px[i]);
      y0 = Math.min(y0, py[i]); y1 = Math.max(y1, py[i]);
    });
    var apart = Math.max(x1 - x0, y1 - y0) * Math.pow(2, map.getMaxZoom());
    var box = L.latLngBounds(map.unproject([x0, y0], 0), map.unproject([x1, y1], 0));
    if (z < map.getMaxZoom() && apart >= (K.groupOverlaps ? K.overlapPx : 1e-9)) {
      return {name: "zoomIn", box: box};
    }
    return {name: g.members.length <= K.spreadMax ? "spread" : "showList", box: box};
  }
  function groupMarker(map, g, z, key, act) {
    var total = g.members.length, size = Math.min(40, Math.round(24 + 6 * Math.log10(total)));
    var marker = L.marker(map.unproject([g.sx / total, g.sy / total], z), {
      pane: "cmClusters", keyboard: false,
      icon: L.divIcon({html: pie(g, total, size), className: "cm-group", iconSize: [size, size]})
    });
    marker.bindTooltip(groupTip(g, total, act.name), {direction: "top"});
    marker.cmLabel = plainText(groupTip(g, total, act.name));  // its name (window.cmRoving)
    marker.on("add", function () { if (keys) { keys(marker); } });
    marker.on("cmfocus", function () { marker.openTooltip(); });
    marker.on("cmblur", function () { marker.closeTooltip(); });
    marker.on("click", function () {
      var byKey = marker.cmByKey;
      marker.cmByKey = false;
      if (act.name === "zoomIn") {
        var zoom = Math.max(map.getZoom() + 1, map.getBoundsZoom(act.box.pad(0.2)));
        zoom = Math.min(map.getMaxZoom(), zoom);
        map.setView(act.box.getCenter(), zoom);
      } else if (act.name === "spread") {
        spread = key;
        draw();
        focusSpread(byKey);
      } else {
        marker.bindPopup(listHtml(g), {maxWidth: 340}).openPopup();
      }
    });
    return marker;
  }
  // A spread group: its markers on a ring around the group's centre (far enough apart not
  // to overlap), each joined to the centre by a thin leg.
  function spreadItems(map, g, z) {
    var f = Math.pow(2, z), m = g.members.length, cx = g.sx / m, cy = g.sy / m;
    var gap = K.overlapPx + 3, r = Math.max(gap * 0.75, gap / (2 * Math.sin(Math.PI / m)));
    return g.members.map(function (i, j) {
      var a = 2 * Math.PI * j / m, tx = cx + r * Math.sin(a), ty = cy - r * Math.cos(a);
      var off = [Math.round(tx - px[i] * f), Math.round(ty - py[i] * f)];
      return {key: "o" + i + "@" + off.join(","), make: function () { return dot(i, off); },
        leg: [map.unproject([cx, cy], z), map.unproject([tx, ty], z)]};
    });
  }
  function focusSpread(byKey) {
    var first = null;
    shown.forEach(function (layer, key) { if (!first && key[0] === "o") { first = layer; } });
    if (byKey && first && first.getElement()) { first.getElement().focus({preventScroll: true}); }
  }
  function legPane(map) {
    if (!map.getPane("cmLegs")) { map.createPane("cmLegs").style.zIndex = 449; }
    return "cmLegs";
  }
  // The layers a drawing of zoom z wants, by key: single markers, spread markers (and
  // their legs) and group symbols.
  function wanted(map, z) {
    var parts = n > K.groupAbove ? cellGroups(map, z) : overlapGroups(map, z);
    var want = new Map(), legLines = [], spreadFound = false;
    parts.forEach(function (g) {
      var key = g.members.join(",");
      if (g.members.length === 1) {
        want.set("s" + key, function () { return dot(g.members[0], [0, 0]); });
      } else if (key === spread) {
        spreadFound = true;
        spreadItems(map, g, z).forEach(function (it) {
          want.set(it.key, it.make);
          legLines.push(it.leg);
        });
      } else {  // kept from one zoom to the next while its members and action stay the same
        var act = groupAction(map, g, z);
        want.set("g" + act.name + ":" + key, function () { return groupMarker(map, g, z, key, act); });
      }
    });
    if (!spreadFound) { spread = null; }
    return {layers: want, legs: legLines};
  }
  function keepStop() {  // the markers' keyboard stop survives the layers it was on
    var els = markerLayers().map(function (l) { return l.getElement(); }).filter(Boolean);
    if (els.length && !els.some(function (e) { return e.getAttribute("tabindex") === "0"; })) {
      els[0].setAttribute("tabindex", "0");
    }
  }
  function draw() {
    var map = parent._map;
    if (!map) { return; }
    if (!px) { project(map); }
    var w = wanted(map, map.getZoom()), later = [];
    shown.forEach(function (layer, key) {
      if (!w.layers.has(key)) { singles.removeLayer(layer); groups.removeLayer(layer); shown.delete(key); }
    });
    w.layers.forEach(function (make, key) {  // single markers first: they take the stop
      if (shown.has(key)) { return; }
      if (key[0] === "g") { later.push([key, make]); return; }
      var layer = make();
      shown.set(key, layer);
      singles.addLayer(layer);
    });
    later.forEach(function (k) { var layer = k[1](); shown.set(k[0], layer); groups.addLayer(layer); });
    legs.clearLayers();
    w.legs.forEach(function (line) {
      legs.addLayer(L.polyline(line, {pane: legPane(map), interactive: false, color: "#333333",
        weight: 1.2, opacity: 0.9}));
    });
    keepStop();
  }
  function collapse(e) {  // a click on the map itself or a zoom folds a spread group back
    var t = e && e.originalEvent && e.originalEvent.target;
    if (spread === null || (t && t.closest && t.closest(".cm-cluster, .cm-group"))) { return; }
    spread = null;
    if (e.type === "click") { draw(); }
  }
  function start() {
    var map = parent._map;
    if (!map) { return; }
    legs.addTo(map);
    map.on("moveend", draw);
    map.on("zoomstart click", collapse);
    parent.once("remove", function () {
      map.off("moveend", draw);
      map.off("zoomstart click", collapse);
      legs.remove();
    });
    setTimeout(draw, 0);
  }
  if (parent._map) { start(); } else { parent.once("add", start); }
})(/*@parent*/null);
