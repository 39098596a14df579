/**
 * Tells the app once the map is drawn (geo.render.leaflet.elements.DrawnSignal).
 *
 * Part of the base map of the app's landing page (never of an exported map): the app's
 * first run of a session draws only the map, and this is what makes it draw the rest
 * (ui.first_view). It runs inside streamlit-folium's frame, where window.Streamlit is
 * the component library: setting the component's value reruns the app's script. It waits
 * for the frame after the one that drew the regions (the dynamic layer is added in the
 * same task as this script), so the whole page follows the map rather than competing
 * with it, and for the page's run to end, so the signal starts one run and never queues a
 * second. The value is what the component last sent plus the flag, so the app reads no
 * click from it. Outside the app (no window.Streamlit), or once the page is drawn whole,
 * it does nothing.
 *
 * flag is filled in by the Python side. This header is not sent to the browser.
 */
(function () {
  var flag = /*@flag*/null;
  function state() {
    // What the page around the frame is doing: the app marks a page drawn whole
    // (ui.lang.document_language: <html data-cm-view="complete">) and Streamlit marks
    // whether a run is on (data-test-script-state on its app element). A map drawn in a
    // whole page (a fallback's run, another visit) has nothing to ask for; while a run
    // is on (the map-first run not yet ended, or the fallback's full run whose marker has
    // not arrived yet) asking would only queue a second run of the page, which could
    // close a drop-down a person has just opened. A frame that cannot read its page asks
    // at once (the app ignores an extra signal).
    try {
      var doc = window.parent.document;
      if (doc.documentElement.dataset.cmView === "complete") return "done";
      var app = doc.querySelector("[data-testid='stApp']");
      var run = app ? app.getAttribute("data-test-script-state") : null;
      return run === "running" || run === "rerunRequested" ? "wait" : "ask";
    } catch (e) {
      return "ask";
    }
  }
  function send() {
    var lib = window.Streamlit;
    if (!lib || typeof lib.setComponentValue !== "function") return;
    var now = state();
    if (now === "done") return;
    if (now === "wait") { setTimeout(send, 50); return; }
    var last = (window.__GLOBAL_DATA__ || {}).previous_data || {};
    var value = Object.assign({}, last);
    value[flag] = true;
    lib.setComponentValue(value);
  }
  requestAnimationFrame(function () { setTimeout(send, 0); });
})();
