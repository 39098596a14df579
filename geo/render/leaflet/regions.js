/**
 * The base map's region layer (geo.render.leaflet.elements.RegionLayer).
 *
 * Decodes the region payload (encoded polylines, geo.render.shapes), draws the neutral
 * region shapes (class cm-region), and sets up what the dynamic layer fills in: the legend
 * control, the cluster pane, the offset marker class (window.CmDot), the "no data" hatch
 * pattern and the fit of Russia to the frame (window.cmFit), and the keyboard: the map's
 * role and name, and window.cmRoving, which makes a group of layers (the regions here,
 * the markers in clusters.js) one tab stop whose arrow keys, letters, Enter and Escape
 * move, open and leave.
 *
 * Each value the Python side fills in is written as a JSON placeholder, so this file stays
 * valid JavaScript: parent is the map's variable, the others are attributes of the element.
 * This header is not sent to the browser.
 */
(function (map) {
  var payload = /*@payload*/null;
  var scale = Math.pow(10, payload.d);
  function decodeRing(s) {
    var out = [], i = 0, x = 0, y = 0, n = s.length;
    while (i < n) {
      var r = 0, sh = 0, b;
      do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << sh; sh += 5; } while (b >= 32);
      x += (r & 1) ? ~(r >> 1) : (r >> 1);
      r = 0; sh = 0;
      do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << sh; sh += 5; } while (b >= 32);
      y += (r & 1) ? ~(r >> 1) : (r >> 1);
      out.push([x / scale, y / scale]);
    }
    return out;
  }
  if (!document.getElementById("cm-style")) {
    var css = document.createElement("style");
    css.id = "cm-style";
    css.textContent = /*@css*/null;
    document.head.appendChild(css);
  }
  if (!document.getElementById("cm-hatch")) {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", "0"); svg.setAttribute("height", "0");
    svg.style.position = "absolute";
    svg.innerHTML = /*@pattern*/null;
    document.body.appendChild(svg);
  }
  var baseStyle = /*@region_style*/null, hover = /*@hover_style*/null;
  var names = {};
  var features = payload.r.map(function (r) {
    names[r.c] = r.n;
    return {type: "Feature", properties: {kind: "region", code: r.c},
            geometry: {type: "MultiPolygon",
                       coordinates: r.g.map(function (p) { return p.map(decodeRing); })}};
  });
  var regions = L.geoJson({type: "FeatureCollection", features: features}, {
    className: "cm-region",
    style: function () { return baseStyle; },
    onEachFeature: function (f, layer) {
      layer.options.className = "cm-region cm-code-" + f.properties.code;
      layer.cmName = names[f.properties.code];
      layer.bindTooltip(layer.cmName, {sticky: true});
      layer.on("mouseover", function () { layer.setStyle(hover); layer.bringToFront(); });
      layer.on("mouseout", function () {
        layer.setStyle({color: baseStyle.color, weight: baseStyle.weight});
      });
    }
  }).addTo(map);
  window.cmRegions = regions;
  window.cmMap = map;
  // Keyboard: the container (Leaflet's tab stop: arrows pan, +/- zoom) gets a role and a
  // name that explains the keys; the regions, and later the cluster markers, are one tab
  // stop each ("roving" tabindex, window.cmRoving).
  var KB = /*@keyboard*/null, focusStyle = /*@focus_style*/null, box = map.getContainer();
  box.setAttribute("role", "region");
  box.setAttribute("aria-roledescription", KB.roledesc);
  box.setAttribute("aria-label", KB.label);
  // Focus must never scroll the (overflow: hidden) container: Leaflet positions panes itself.
  box.addEventListener("scroll", function () { box.scrollTop = 0; box.scrollLeft = 0; });
  function plain(html) {
    var d = document.createElement("div");
    d.innerHTML = String(html || "").replace(/<br\s*\/?>/gi, ", ");
    return d.textContent.replace(/\s+/g, " ").trim();
  }
  window.cmPlain = plain;
  // In a group, arrow keys move in alphabetical order of the names, a letter jumps to the
  // next name starting with it, Home and End go to the first and last, Enter or Space does
  // what a click does, Escape goes back to the map container. layersOf lists the group's
  // layers, activate clicks one.
  window.cmRoving = function (layersOf, activate) {
    function element(l) { return l.getElement ? l.getElement() : null; }
    function ordered() {
      return layersOf().filter(element).sort(function (a, b) {
        return (a.cmLabel || "").localeCompare(b.cmLabel || "");
      });
    }
    function setStop(layer) {
      layersOf().forEach(function (l) {
        var e = element(l);
        if (e) { e.setAttribute("tabindex", l === layer ? "0" : "-1"); }
      });
    }
    function moveTo(layer) {
      setStop(layer);
      if (layer.bringToFront) { layer.bringToFront(); }
      element(layer).focus({preventScroll: true});
    }
    function target(list, i, k) {
      var n = list.length;
      if (k === "ArrowRight" || k === "ArrowDown") { return list[(i + 1) % n]; }
      if (k === "ArrowLeft" || k === "ArrowUp") { return list[(i - 1 + n) % n]; }
      if (k === "Home") { return list[0]; }
      if (k === "End") { return list[n - 1]; }
      if (k.length !== 1 || !k.trim()) { return null; }
      var c = k.toLocaleLowerCase();
      for (var j = 1; j <= n; j++) {
        var l = list[(i + j) % n];
        if ((l.cmLabel || "").toLocaleLowerCase().indexOf(c) === 0) { return l; }
      }
      return null;
    }
    return function setup(layer) {
      var el = element(layer);
      if (!el) { return; }
      if (layer.cmLabel) { el.setAttribute("aria-label", layer.cmLabel); }
      if (el.cmKeyboard) { return; }
      el.cmKeyboard = true;
      var taken = layersOf().some(function (l) {
        var e = element(l);
        return l !== layer && e && e.getAttribute("tabindex") === "0";
      });
      el.setAttribute("tabindex", taken ? "-1" : "0");
      el.setAttribute("role", "button");
      el.addEventListener("focus", function () { setStop(layer); layer.fire("cmfocus"); });
      el.addEventListener("blur", function () { layer.fire("cmblur"); });
      el.addEventListener("keydown", function (e) {
        var k = e.key;
        if (k === "Enter" || k === " ") { e.preventDefault(); activate(layer, e); return; }
        if (k === "Escape") { box.focus({preventScroll: true}); return; }
        var list = ordered(), next = target(list, list.indexOf(layer), k);
        if (next) { e.preventDefault(); e.stopPropagation(); moveTo(next); }
      });
    };
  };
  var regionKeys = window.cmRoving(function () { return regions.getLayers(); },
    function (layer, e) {
      layer.fire("click", {latlng: layer.getCenter(), originalEvent: e}, true);
    });
  regions.eachLayer(function (layer) {
    layer.cmLabel = plain(layer.cmName);
    regionKeys(layer);
    layer.on("cmfocus", function () {
      if (!map.getBounds().intersects(layer.getBounds())) { map.panTo(layer.getCenter()); }
      layer.setStyle(focusStyle);
      layer.openTooltip(layer.getCenter());
    });
    layer.on("cmblur", function () {
      layer.setStyle({color: baseStyle.color, weight: baseStyle.weight});
      layer.closeTooltip();
    });
  });
  window.cmRegionKeys = regionKeys;
  var pane = map.createPane("cmClusters");
  pane.style.zIndex = 450;
  pane.classList.add("cm-clusters-pane");
  window.CmDot = L.CircleMarker.extend({
    _project: function () {
      L.CircleMarker.prototype._project.call(this);
      var o = this.options.offset;
      if (o && (o[0] || o[1])) {
        this._point = this._point.add(L.point(o[0], o[1]));
        this._updateBounds();
      }
    }
  });
  var legend = L.control({position: /*@legend_position*/null});
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "cm-legend leaflet-control");
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  legend.addTo(map);
  window.cmLegend = legend;
  // Fit Russia to the frame, leaving the legend's height free at the bottom, until the
  // user pans or zooms: the frame's final size and the legend arrive after the map.
  var home = L.latLngBounds(/*@bounds*/null), userMoved = false;
  ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (type) {
    map.getContainer().addEventListener(type, function () { userMoved = true; }, {passive: true});
  });
  window.cmFit = function (force) {
    if (userMoved && !force) { return; }
    var box = legend.getContainer();
    var below = box && box.offsetHeight ? box.offsetHeight + 12 : 8;
    map.fitBounds(home, {paddingTopLeft: [8, 8], paddingBottomRight: [8, below], animate: false});
  };
  map.on("resize", function () { window.cmFit(false); });
  var homeButton = L.control({position: "topleft"});
  homeButton.onAdd = function () {
    var div = L.DomUtil.create("div", "leaflet-bar leaflet-control");
    var a = L.DomUtil.create("a", "cm-home", div);
    a.href = "#"; a.title = KB.home; a.setAttribute("role", "button");
    a.setAttribute("aria-label", KB.home);
    a.innerHTML = "&#8962;";
    L.DomEvent.on(a, "click", function (e) { L.DomEvent.preventDefault(e); window.cmFit(true); });
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  homeButton.addTo(map);
  window.cmFit(true);
  if (map.attributionControl) {
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.setPosition("topright");
    map.attributionControl.addAttribution(/*@attribution*/null);
  }
})(/*@parent*/null);
