/* Fellowship worksheet autosave.
 *
 * While a fellow types, the form is sent to its data-autosave-url a moment after typing pauses. The server
 * overwrites the one working draft (no revision) and answers with the new base numbers, which go back into
 * the hidden base_revision/base_draft fields so the next save is not mistaken for a stale one.
 *
 * Every change is first copied to localStorage, so nothing typed is lost when the network drops or the tab
 * closes: the copy is removed once the server has the same text, and put back into the form on the next
 * visit when the server still holds the version the copy started from. The page works without this file.
 */
(function () {
  "use strict";

  var PAUSE_MS = 1500;
  var RETRY_MS = 15000;
  var SKIP = { csrf_token: true, base_revision: true, base_draft: true, action: true };

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function fieldValues(form) {
    var values = [];
    new FormData(form).forEach(function (value, name) {
      if (!SKIP[name] && typeof value === "string") { values.push([name, value]); }
    });
    return values;
  }

  function sameValues(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function setup(form) {
    var store = storage();
    var key = form.getAttribute("data-autosave-key");
    var url = form.getAttribute("data-autosave-url");
    var status = form.querySelector(".autosave-status");
    var baseRevision = form.querySelector("input[name=base_revision]");
    var baseDraft = form.querySelector("input[name=base_draft]");
    var timer = null;
    var inFlight = false;
    var pending = false;
    var stopped = false;
    var edits = 0;

    function say(text) { if (status) { status.textContent = text || ""; } }

    function remember() {
      if (!store) { return; }
      try {
        store.setItem(key, JSON.stringify({
          revision: baseRevision.value, draft: baseDraft.value, values: fieldValues(form)
        }));
      } catch (e) { /* storage full or disabled: the server save still runs */ }
    }

    function forget() { if (store) { store.removeItem(key); } }

    function restore(values) {
      values.forEach(function (pair) {
        var element = form.elements.namedItem(pair[0]);
        if (element && "value" in element) { element.value = pair[1]; }
      });
    }

    function schedule(delay) {
      if (stopped) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(send, delay);
    }

    function send() {
      if (stopped) { return; }
      if (inFlight) { pending = true; return; }
      inFlight = true;
      var sentAt = edits;
      var body = new FormData(form);
      body.delete("action");
      window.fetch(url, {
        method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" }
      }).then(function (response) {
        return response.json().then(function (data) { return { code: response.status, data: data }; });
      }).then(function (result) {
        var data = result.data || {};
        if (result.code === 200 && data.saved) {
          baseRevision.value = data.base_revision;
          baseDraft.value = data.base_draft;
          if (edits === sentAt) { forget(); } else { remember(); }
        } else if (result.code === 409) {
          stopped = true;  /* another window moved on: an explicit save shows both versions */
        }
        say(data.message);
      }).catch(function () {
        say(form.getAttribute("data-offline-message"));
        schedule(RETRY_MS);
      }).then(function () {
        inFlight = false;
        if (pending) { pending = false; schedule(PAUSE_MS); }
      });
    }

    function changed() {
      edits += 1;
      remember();
      schedule(PAUSE_MS);
    }

    if (store) {
      var saved = null;
      try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
      if (saved && Array.isArray(saved.values)) {
        if (sameValues(saved.values, fieldValues(form))) {
          forget();
        } else if (saved.revision === baseRevision.value && saved.draft === baseDraft.value) {
          restore(saved.values);
          say(form.getAttribute("data-restored-message"));
          changed();
        } else {
          /* The server moved on since: offer the text instead of writing over the newer version. */
          var offer = document.createElement("button");
          offer.type = "button";
          offer.className = "button-small";
          offer.textContent = form.getAttribute("data-offer-label");
          offer.addEventListener("click", function () {
            restore(saved.values);
            offer.remove();
            changed();
          });
          say(form.getAttribute("data-offer-message"));
          if (status) { status.after(offer); }
        }
      }
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () {
      stopped = true;
      window.clearTimeout(timer);
      forget();
    });
    window.addEventListener("online", function () { if (!stopped) { schedule(0); } });
  }

  ready(function () {
    var forms = document.querySelectorAll("form[data-autosave-url]");
    Array.prototype.forEach.call(forms, setup);
  });
}());
