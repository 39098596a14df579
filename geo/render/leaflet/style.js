/**
 * The dynamic layer's region colours and legend (geo.render.leaflet.elements.RegionStyle).
 *
 * Colours the base map's regions and sets their tooltips from styles (per region code:
 * [fill colour or null for no data, tooltip HTML]), fills the legend control with the
 * legend's HTML and refits the map above it. Values are JSON placeholders filled in by the
 * Python side. This header is not sent to the browser.
 */
(function () {
  var styles = /*@styles*/null, hatch = "url(#cm-hatch)";
  if (window.cmRegions) {
    window.cmRegions.eachLayer(function (layer) {
      var s = styles[layer.feature.properties.code];
      layer.setStyle({fillColor: (s && s[0]) || hatch, fillOpacity: 1});
      layer.setTooltipContent(s ? s[1] : layer.cmName);
      if (window.cmPlain) {  // the keyboard's name of the region: its tooltip as text
        layer.cmLabel = window.cmPlain(s ? s[1] : layer.cmName);
        if (window.cmRegionKeys) { window.cmRegionKeys(layer); }
      }
    });
  }
  var box = window.cmLegend && window.cmLegend.getContainer();
  if (box) { box.innerHTML = /*@legend*/null; }
  if (window.cmFit) { window.cmFit(false); }
})();
