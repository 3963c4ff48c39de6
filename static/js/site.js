// Site-wide behaviour. Loaded as a file: the Content Security Policy allows no inline script.
(function () {
  "use strict";

  // Sign-up: pre-fill the time zone from the browser.
  document.querySelectorAll("select[data-browser-time-zone]").forEach(function (select) {
    if (select.dataset.userChosen) return;
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && select.querySelector('option[value="' + zone + '"]')) select.value = zone;
    } catch (e) { /* an old browser keeps the default */ }
  });

  // Formsets: "Add another person" clones the empty form template.
  document.querySelectorAll("[data-formset]").forEach(function (box) {
    var prefix = box.dataset.formset;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = box.querySelector("template");
    var list = box.querySelector("[data-formset-list]");
    var button = box.querySelector("[data-formset-add]");
    if (!total || !template || !list || !button) return;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
    });
  });

  // "Copy" buttons: put the named field's text on the clipboard.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.querySelector(button.dataset.copy);
    if (!field) return;
    var label = button.textContent;
    button.addEventListener("click", function () {
      field.select();
      var done = function () {
        button.textContent = button.dataset.copied || label;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });

  // A long import reports its progress: the form posts with fetch and reads
  // the server's NDJSON lines as they come. Without script it posts as usual.
  document.querySelectorAll("form[data-import-progress]").forEach(function (form) {
    if (!window.fetch || !window.TextDecoder) return;
    var status = form.querySelector("[data-import-status]");
    var bar = status && status.querySelector("progress");
    var error = form.querySelector("[data-import-error]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      status.hidden = false;
      error.hidden = true;
      var fail = function (message) {
        error.textContent = message;
        error.hidden = false;
        status.hidden = true;
        button.disabled = false;
      };
      var handle = function (line) {
        if (!line.trim()) return;
        var data = JSON.parse(line);
        if (data.total) { bar.max = data.total; bar.value = data.done; }
        if (data.redirect) window.location.assign(data.redirect);
        if (data.error) fail(data.error);
      };
      fetch(form.action || window.location.href, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Import-Progress": "1" },
        credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok || !response.body) { form.submit(); return; }
        var reader = response.body.getReader();
        var decoder = new TextDecoder();
        var buffered = "";
        var read = function () {
          return reader.read().then(function (chunk) {
            if (chunk.done) { handle(buffered); return; }
            buffered += decoder.decode(chunk.value, { stream: true });
            var lines = buffered.split("\n");
            buffered = lines.pop();
            lines.forEach(handle);
            return read();
          });
        };
        return read();
      }).catch(function () { fail("The import could not reach the server. Try again."); });
    });
  });

  // Buttons that ask before a destructive action.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  });
})();
