// Khung's small behaviours, all optional: every page works without them.
// - A form being sent shows that work is under way and its buttons stay
//   disabled until the answer arrives (plain forms and htmx requests alike).
// - A button with data-copy="#id" copies that field's value and says so.
// - A form with data-add-rows reveals its next hidden repeatable block
//   instead of reloading the page (without JavaScript the button asks the
//   server for one more block).
// - On a phone the header's menu folds behind one button (CSS decides when).
(function () {
  "use strict";

  // The phone menu: the button shows and hides the header's links.
  function setupMenu() {
    var toggle = document.querySelector(".menu-toggle");
    var header = toggle && toggle.closest(".site-header");
    if (!header) { return; }
    toggle.hidden = false;
    header.classList.add("has-menu");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && header.classList.contains("menu-open")) {
        toggle.setAttribute("aria-expanded", "false");
        header.classList.remove("menu-open");
        toggle.focus();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupMenu);
  } else {
    setupMenu();
  }

  function busy(form, on) {
    if (on) {
      form.setAttribute("aria-busy", "true");
    } else {
      form.removeAttribute("aria-busy");
    }
    form.querySelectorAll("button, input[type=submit]").forEach(function (b) {
      if (on && !b.disabled) {
        b.disabled = true;
        b.setAttribute("data-busy", "");
      } else if (!on && b.hasAttribute("data-busy")) {
        b.disabled = false;
        b.removeAttribute("data-busy");
      }
    });
  }

  // Plain forms: disable after the browser has read the submitter's value.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.defaultPrevented || form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) {
      return;
    }
    if (e.submitter) {
      e.submitter.classList.add("is-sending");
    }
    setTimeout(function () { busy(form, true); }, 0);
  });
  // Coming back with the browser's back button shows the page as it was left.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[aria-busy]").forEach(function (f) { busy(f, false); });
    document.querySelectorAll(".is-sending").forEach(function (b) { b.classList.remove("is-sending"); });
  });

  // htmx requests sent by a form or one of its buttons wait like a plain
  // form; a button outside any form waits on its own. A search box or a
  // picker asking as one types leaves the buttons alone.
  function owner(e) {
    var elt = e.detail && e.detail.elt;
    if (!elt || !elt.closest) { return null; }
    if (elt.tagName === "FORM") { return elt; }
    if (elt.matches("button, input[type=submit]")) { return elt.form || elt; }
    return null;
  }
  function busyButton(b, on) {
    b.disabled = on;
    b.classList.toggle("is-sending", on);
    if (on) { b.setAttribute("aria-busy", "true"); } else { b.removeAttribute("aria-busy"); }
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    var o = owner(e);
    if (!o) { return; }
    if (o.tagName === "FORM") { busy(o, true); } else { busyButton(o, true); }
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var o = owner(e);
    if (!o || !o.isConnected) { return; }
    if (o.tagName === "FORM") { busy(o, false); } else { busyButton(o, false); }
  });

  // Copy buttons.
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-copy]");
    if (!b) { return; }
    var field = document.querySelector(b.getAttribute("data-copy"));
    var status = document.getElementById(b.getAttribute("aria-controls") || "");
    if (!field) { return; }
    field.select();
    var done = function () { if (status) { status.textContent = b.getAttribute("data-copied") || ""; } };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });

  // Spare rows wait behind their list's "add a row" button (without
  // JavaScript they stay in view and the button stays hidden).
  function setupSpares() {
    document.querySelectorAll("[data-reveal-next][data-js-only]").forEach(function (b) {
      var spares = document.querySelectorAll(b.getAttribute("data-reveal-next"));
      spares.forEach(function (r) { r.hidden = true; });
      b.hidden = spares.length === 0;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupSpares);
  } else {
    setupSpares();
  }

  // Repeatable blocks: show the next hidden one.
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-reveal-next]");
    if (!b) { return; }
    var next = document.querySelector(b.getAttribute("data-reveal-next") + "[hidden]");
    if (!next) { return; }
    e.preventDefault();
    next.hidden = false;
    var first = next.querySelector("select, input, textarea");
    if (first) { first.focus(); }
    if (!document.querySelector(b.getAttribute("data-reveal-next") + "[hidden]")) { b.hidden = true; }
  });
})();
