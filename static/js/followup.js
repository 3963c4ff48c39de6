// The follow-up page: copy the draft, and keep the mailto: link in step with edits.
(function () {
  "use strict";

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var source = document.querySelector(button.dataset.copyTarget);
    if (!source) return;
    var label = button.textContent;
    button.addEventListener("click", function () {
      var done = function () {
        button.textContent = button.dataset.copiedLabel || "Copied";
        window.setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(done, function () { fallback(source, done); });
      } else {
        fallback(source, done);
      }
    });
  });

  // Older browsers and plain-http pages have no clipboard API: select and copy.
  function fallback(source, done) {
    source.focus();
    source.select();
    try { if (document.execCommand("copy")) done(); } catch (e) { /* the text stays selected */ }
  }

  // The link opens the candidate's mail program with what is in the editor now,
  // encoded as the server does it (RFC 6068: percent-encoded, CRLF line ends).
  document.querySelectorAll("a[data-mailto]").forEach(function (link) {
    var form = link.closest("form");
    if (!form) return;
    var subject = form.querySelector("[name=subject]");
    var body = form.querySelector("textarea[name=draft]");
    var address = link.getAttribute("href").split("?")[0];
    link.addEventListener("click", function () {
      var text = body ? body.value.replace(/\r?\n/g, "\r\n") : "";
      link.setAttribute("href", address + "?subject=" + encodeURIComponent(subject ? subject.value : "") +
        "&body=" + encodeURIComponent(text));
    });
  });
})();
