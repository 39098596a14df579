/**
 * Tells the app once the map is drawn (geo.render.leaflet.elements.DrawnSignal).
 *
 * Part of the base map of the app's landing page (never of an exported map): the app's
 * first run of a session draws only the map, and this is what makes it draw the rest
 * (ui.first_view). It runs inside streamlit-folium's frame, where window.Streamlit is
 * the component library: setting the component's value reruns the app's script. It waits
 * for the frame after the one that drew the regions (the dynamic layer is added in the
 * same task as this script), so the whole page follows the map rather than competing
 * with it. The value is what the component last sent plus the flag, so the app reads no
 * click from it. Outside the app (no window.Streamlit), or once the page is drawn whole,
 * it does nothing.
 *
 * flag is filled in by the Python side. This header is not sent to the browser.
 */
(function () {
  var flag = /*@flag*/null;
  function whole() {
    // The app marks a page drawn whole (ui.lang.document_language: <html
    // data-cm-view="complete">); a map drawn there (a fallback's run, another visit to
    // the page) has nothing to ask for, and a rerun would only repeat the page's work.
    try {
      return window.parent.document.documentElement.dataset.cmView === "complete";
    } catch (e) {
      return false; // a frame without access to its page: ask, the app ignores it
    }
  }
  function send() {
    var lib = window.Streamlit;
    if (!lib || typeof lib.setComponentValue !== "function" || whole()) return;
    var last = (window.__GLOBAL_DATA__ || {}).previous_data || {};
    var value = Object.assign({}, last);
    value[flag] = true;
    lib.setComponentValue(value);
  }
  requestAnimationFrame(function () { setTimeout(send, 0); });
})();
