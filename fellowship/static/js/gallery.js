/* Fellowship contest gallery: shows the projects in a random order of this visitor's own.
 *
 * The page lists projects alphabetically (the order without JavaScript). Here they are shuffled with a
 * seed kept in localStorage, so the order stays the same for this visitor on every visit and differs
 * between visitors: a project's place on the page decides nothing. No cookie is set.
 */
(function () {
  "use strict";

  function seedFor(key) {
    var seed = null;
    try {
      seed = window.localStorage.getItem(key);
      if (!seed) {
        seed = String(Math.floor(Math.random() * 4294967296));
        window.localStorage.setItem(key, seed);
      }
    } catch (e) {
      seed = String(Math.floor(Math.random() * 4294967296));
    }
    return Number(seed) >>> 0;
  }

  function generator(seed) {  /* mulberry32: small, good enough to order a page of cards */
    return function () {
      seed = (seed + 0x6D2B79F5) >>> 0;
      var t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function shuffle(list) {
    var random = generator(seedFor("fellowship-gallery-seed:" + list.getAttribute("data-shuffle")));
    var items = Array.prototype.slice.call(list.children);
    for (var i = items.length - 1; i > 0; i -= 1) {
      var j = Math.floor(random() * (i + 1));
      var swap = items[i]; items[i] = items[j]; items[j] = swap;
    }
    items.forEach(function (item) { list.appendChild(item); });
  }

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-shuffle]"), shuffle);
  });
}());
