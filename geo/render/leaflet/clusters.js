/**
 * The cluster markers (geo.render.leaflet.elements.ClusterLayer).
 *
 * points is the columnar payload of geo.render.markers.cluster_points; config holds the
 * colours, marker styles, texts (HTML-escaped) and the grouping settings. Up to
 * config.groupAbove clusters: one marker each, spread around shared points by pixel
 * offsets. Above: the markers of each screen cell are one group symbol (a pie of
 * scenarios, a dark arc for the share with MNE links, the number), redrawn after every
 * move. Tooltips and popups are built here from the payload. Keyboard: the single markers
 * are one tab stop (window.cmRoving of regions.js); Enter opens a marker's popup and puts
 * the focus on its link, Escape gives it back; group symbols are named buttons. Values
 * are JSON placeholders filled in by the Python side; parent is the feature group's
 * variable. This header is not sent to the browser.
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
  var keys = window.cmRoving ? window.cmRoving(function () { return singles.getLayers(); },
    function (marker, e) {
      marker.cmByKey = true;
      marker.fire("click", {latlng: marker.getLatLng(), originalEvent: e}, true);
    }) : null;
  if (n <= K.groupAbove) {
    for (var i = 0; i < n; i++) { singles.addLayer(dot(i, P.o[i] || [0, 0])); }
    return;
  }
  // Many clusters: combine the markers of each screen cell into one group symbol (a pie of
  // scenarios, a dark arc for the share with MNE links, the number), redrawn after every
  // move. Groups sit in a plain layer group, so clicking one zooms in without a rerun.
  var groups = L.layerGroup().addTo(parent), px = null, py = null;
  function project(map) {
    px = new Float64Array(n); py = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      var p = map.project([lat(i), lng(i)], 0);
      px[i] = p.x; py[i] = p.y;
    }
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
      '" data-count="' + total + '" data-mne="' + g.mne + '">' + out.join("") + "</svg>";
  }
  function groupTip(g, total, canZoom) {
    var parts = [];
    g.counts.forEach(function (k, s) { if (k) { parts.push(K.scenarios[s] + ": " + k); } });
    return "<b>" + T.clusters.replace("{n}", total) + "</b><br>" + parts.join(" · ") + "<br>" +
      T.withMne.replace("{n}", g.mne) + "<br><i>" + (canZoom ? T.zoomIn : T.showList) + "</i>";
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
  function groupMarker(map, g, z) {
    var total = g.members.length, size = Math.min(40, Math.round(24 + 6 * Math.log10(total)));
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    g.members.forEach(function (i) {
      x0 = Math.min(x0, px[i]); x1 = Math.max(x1, px[i]);
      y0 = Math.min(y0, py[i]); y1 = Math.max(y1, py[i]);
    });
    var canZoom = (x1 > x0 || y1 > y0) && z < map.getMaxZoom();
    var marker = L.marker(map.unproject([g.sx / total, g.sy / total], z), {
      pane: "cmClusters",
      icon: L.divIcon({html: pie(g, total, size), className: "cm-group", iconSize: [size, size]})
    });
    marker.bindTooltip(groupTip(g, total, canZoom), {direction: "top"});
    marker.on("add", function () {  // a group symbol is a Leaflet button: give it a name
      var el = marker.getElement();
      if (el) { el.setAttribute("aria-label", plainText(groupTip(g, total, canZoom))); }
    });
    marker.on("click", function () {
      if (canZoom) {
        var box = L.latLngBounds(map.unproject([x0, y0], 0), map.unproject([x1, y1], 0));
        var zoom = Math.min(map.getMaxZoom(), Math.max(z + 1, map.getBoundsZoom(box.pad(0.2))));
        map.setView(box.getCenter(), zoom);
      } else {
        marker.bindPopup(listHtml(g), {maxWidth: 340}).openPopup();
      }
    });
    return marker;
  }
  function draw() {
    var map = parent._map;
    if (!map) { return; }
    if (!px) { project(map); }
    var z = map.getZoom(), f = Math.pow(2, z), cell = K.cellPx, view = map.getPixelBounds();
    var x0 = view.min.x - cell, y0 = view.min.y - cell;
    var x1 = view.max.x + cell, y1 = view.max.y + cell;
    var cells = new Map();
    for (var i = 0; i < n; i++) {
      var x = px[i] * f, y = py[i] * f;
      if (x < x0 || x > x1 || y < y0 || y > y1) { continue; }
      var key = Math.floor(x / cell) + ":" + Math.floor(y / cell), g = cells.get(key);
      if (!g) {
        g = {members: [], sx: 0, sy: 0, mne: 0, counts: K.colours.map(function () { return 0; })};
        cells.set(key, g);
      }
      g.members.push(i); g.sx += x; g.sy += y; g.counts[P.s[i]] += 1;
      if (P.m[i] > 0) { g.mne += 1; }
    }
    singles.clearLayers();
    groups.clearLayers();
    cells.forEach(function (g) {
      if (g.members.length === 1) { singles.addLayer(dot(g.members[0], [0, 0])); }
      else { groups.addLayer(groupMarker(map, g, z)); }
    });
  }
  function start() {
    var map = parent._map;
    if (!map) { return; }
    map.on("moveend", draw);
    parent.once("remove", function () { map.off("moveend", draw); });
    setTimeout(draw, 0);
  }
  if (parent._map) { start(); } else { parent.once("add", start); }
})(/*@parent*/null);
