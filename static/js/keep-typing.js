// Nothing typed into a long form is lost. Every form marked data-keep is copied
// into this browser's localStorage while the candidate types, and the copy is
// dropped only once the server has said it saved the form. A session that
// expired while they wrote sends the save to the login page; after signing in
// they come back to the form and find their text in it again. A copy outlives
// a closed tab, so it is filed under the signed-in person: nobody else
// signing in on the same computer ever sees it.
//
// Loaded as a file (the Content Security Policy allows no inline script). Its
// words, timings and the person's prefix come from the server's #keep-typing
// JSON block (interviews/templatetags/keep_typing.py).
(function () {
  "use strict";

  var node = document.getElementById("keep-typing");
  if (!node) return;
  var config = JSON.parse(node.textContent);
  var store = usable("localStorage");
  if (!store) return;
  var tab = usable("sessionStorage");
  var PREFIX = "keep:";
  var SUBMITTED = "keep-typing:submitted";
  var SKIPPED = /^(hidden|password|file|submit|button|reset|image|fieldset|output)$/;

  // Which form this tab sent last. Only the page that comes right after a
  // submit may read it: that page is the server's answer to the save.
  var submitted = null;
  if (tab) {
    try { submitted = JSON.parse(tab.getItem(SUBMITTED)); } catch (e) { submitted = null; }
    tab.removeItem(SUBMITTED);
  }

  if (!config.user) {
    // Signed out, so most likely the login page. The draft editor posts to an
    // address that only takes POST; coming back there after signing in would
    // show an error, so the login returns to the form's own page instead.
    if (submitted && submitted.action !== submitted.home) {
      document.querySelectorAll('input[name="next"]').forEach(function (input) {
        if (input.value === submitted.action) input.value = submitted.home;
      });
    }
    return;
  }

  var mine = PREFIX + config.user + ":";
  forgetOld();
  if (submitted && submitted.key.indexOf(mine) === 0 && savedBy(submitted.key)) {
    store.removeItem(submitted.key);
  }
  document.querySelectorAll("form[data-keep]").forEach(keep);

  function usable(name) {
    try {
      var storage = window[name];
      storage.setItem("keep-typing:probe", "1");
      storage.removeItem("keep-typing:probe");
      return storage;
    } catch (e) {
      return null; // storage turned off or full: the form works as it always did
    }
  }

  function read(key) {
    try { return JSON.parse(store.getItem(key)); } catch (e) { return null; }
  }

  function write(key, record) {
    try { store.setItem(key, JSON.stringify(record)); } catch (e) { /* full: keep what is there */ }
  }

  function forgetOld() {
    var oldest = Date.now() - config.days * 86400000;
    var keys = [];
    for (var i = 0; i < store.length; i++) keys.push(store.key(i));
    keys.forEach(function (key) {
      if (key.indexOf(PREFIX) !== 0) return;
      var record = read(key);
      if (!record || !(record.t >= oldest)) store.removeItem(key);
    });
  }

  // The server's answer to a save: a success message and no error means it
  // saved. A form sent back with its errors, the login page, a refused CSRF
  // token or a server error carry no success message, so they never clear.
  function savedBy(key) {
    var levels = Array.prototype.map.call(
      document.querySelectorAll("[data-message-level]"),
      function (el) { return el.dataset.messageLevel; }
    );
    var sentBack = Array.prototype.some.call(
      document.querySelectorAll("form[data-keep][data-keep-bound]"),
      function (form) { return keyOf(form) === key; }
    );
    return levels.indexOf("success") !== -1 && levels.indexOf("error") === -1 && !sentBack;
  }

  function keyOf(form) {
    return mine + (form.dataset.keep || window.location.pathname);
  }

  // The form's fields by name, without the ones nobody types into.
  function fieldsOf(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIPPED.test(el.type)) return;
      (fields[el.name] = fields[el.name] || []).push(el);
    });
    return fields;
  }

  // A field's value now, or as the server wrote it into the page.
  function valueOf(els, asServed) {
    var el = els[0];
    if (el.type === "checkbox") {
      return els.filter(function (e) { return asServed ? e.defaultChecked : e.checked; })
        .map(function (e) { return e.value; });
    }
    if (el.type === "radio") {
      var on = els.filter(function (e) { return asServed ? e.defaultChecked : e.checked; })[0];
      return on ? on.value : "";
    }
    if (el.type === "select-multiple" || el.type === "select-one") {
      var options = Array.prototype.slice.call(el.options);
      var chosen = options.filter(function (o) { return asServed ? o.defaultSelected : o.selected; });
      // A single select with nothing marked shows its first option.
      if (!chosen.length && el.type === "select-one" && options.length) chosen = [options[0]];
      var values = chosen.map(function (o) { return o.value; });
      return el.type === "select-one" ? values[0] || "" : values;
    }
    return asServed ? el.defaultValue : el.value;
  }

  function setValue(els, value) {
    els.forEach(function (el) {
      if (el.type === "checkbox") el.checked = value.indexOf(el.value) !== -1;
      else if (el.type === "radio") el.checked = el.value === value;
      else if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) !== -1; });
      } else el.value = value;
    });
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  // People added with "Add another person" are not in the page the server
  // sends; add rows until a stored field has somewhere to go.
  function makeRoom(form, name) {
    var match = /^(.+)-(\d+)-/.exec(name);
    var box = match && form.querySelector('[data-formset="' + match[1] + '"]');
    var add = box && box.querySelector("[data-formset-add]");
    for (var tries = 0; add && tries < 50 && !form.elements[name]; tries++) add.click();
  }

  function when(time) {
    var options = {
      weekday: "short", day: "numeric", month: "short",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: config.zone
    };
    try {
      return new Intl.DateTimeFormat(config.locale, options).format(new Date(time));
    } catch (e) {
      delete options.timeZone; // a zone this browser does not know: its own
      return new Intl.DateTimeFormat(config.locale, options).format(new Date(time));
    }
  }

  function keep(form) {
    var key = keyOf(form);
    var record = read(key);
    var sentBack = form.hasAttribute("data-keep-bound");
    // What each kept field held when the typing began, where that differs
    // from what this page was served with (a form sent back with errors
    // shows the typed text, but the saved value is still the older one).
    var bases = {};
    var restored = [];
    var stamp = Date.now();

    if (record && record.f) {
      stamp = record.t;
      Object.keys(record.f).forEach(function (name) {
        var base = record.f[name][0];
        var typed = record.f[name][1];
        if (!form.elements[name]) makeRoom(form, name);
        var els = fieldsOf(form)[name];
        if (!els) return;
        var served = valueOf(els, true);
        if (same(served, base)) {
          // Nothing was saved to this field since the typing began: the
          // typed text is newer than the page.
          if (!same(valueOf(els, false), typed)) {
            setValue(els, typed);
            restored.push(name);
          }
          bases[name] = base;
        } else if (same(served, typed) && sentBack) {
          bases[name] = base;
        }
        // Otherwise the server holds something newer (or what was typed,
        // saved): it wins.
      });
      remember(stamp);
      if (restored.length) announce(restored);
    }

    var timer = null;
    var schedule = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { timer = null; remember(Date.now()); }, config.delay_ms);
    };
    var flush = function () {
      if (timer === null) return;
      window.clearTimeout(timer);
      timer = null;
      remember(Date.now());
    };
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    window.addEventListener("pagehide", flush);
    form.addEventListener("submit", function () {
      flush();
      // Not cleared here: the save may still fail (an expired session, a
      // form with errors). The next page says how it went.
      if (!tab) return;
      var action = new URL(form.action, window.location.href);
      tab.setItem(SUBMITTED, JSON.stringify({
        key: key,
        home: form.dataset.keep || window.location.pathname,
        action: action.pathname + action.search
      }));
    });

    function remember(time) {
      var fields = fieldsOf(form);
      var changed = {};
      var any = false;
      Object.keys(fields).forEach(function (name) {
        var base = name in bases ? bases[name] : valueOf(fields[name], true);
        var now = valueOf(fields[name], false);
        if (!same(base, now)) {
          changed[name] = [base, now];
          any = true;
        }
      });
      if (any) write(key, { t: time, f: changed });
      else store.removeItem(key);
    }

    function changedEvents(names) {
      var fields = fieldsOf(form);
      names.forEach(function (name) {
        (fields[name] || []).forEach(function (el) {
          el.dispatchEvent(new Event("input", { bubbles: true }));
          el.dispatchEvent(new Event("change", { bubbles: true }));
        });
      });
    }

    function announce(names) {
      var notice = document.createElement("div");
      notice.className = "alert alert-info d-flex flex-wrap align-items-center gap-2 keep-notice";
      notice.setAttribute("role", "status");
      notice.setAttribute("data-keep-notice", "");
      var text = document.createElement("span");
      text.textContent = config.texts.restored.replace("{time}", when(stamp));
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "btn btn-sm btn-outline-secondary ms-auto";
      discard.textContent = config.texts.discard;
      discard.addEventListener("click", function () {
        var fields = fieldsOf(form);
        names.forEach(function (name) {
          if (fields[name]) setValue(fields[name], valueOf(fields[name], true));
          delete bases[name];
        });
        changedEvents(names);
        flush();
        remember(Date.now());
        text.textContent = config.texts.discarded;
        // The button goes away; keep the keyboard where the candidate was.
        notice.setAttribute("tabindex", "-1");
        discard.remove();
        notice.focus();
      });
      notice.appendChild(text);
      notice.appendChild(discard);
      form.insertBefore(notice, form.firstChild);
      // Other scripts (the draft's guardrails, its mail link) follow the text.
      // This form's own listeners are not attached yet: the copy keeps its time.
      changedEvents(names);
    }
  }
})();
