/**
 * The base map's region layer (geo.render.leaflet.elements.RegionLayer).
 *
 * Decodes the region payload (encoded polylines, geo.render.shapes), draws the neutral
 * region shapes (class cm-region), and sets up what the dynamic layer fills in: the legend
 * control, the cluster pane, the offset marker class (window.CmDot), the "no data" hatch
 * pattern and the fit of Russia to the frame (window.cmFit).
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
    a.href = "#"; a.title = "Show all of Russia"; a.setAttribute("role", "button");
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
