// Live guardrails on a follow-up draft: counts and warnings while the candidate types.
// Mirrors reminders/guardrails.py; the thresholds come from data- attributes on the
// box, so the server and the browser always use the same numbers. The server checks
// again on save: this is only a guide.
(function () {
  "use strict";

  // The same patterns as reminders/drafts.py letter_parts.
  var GREETING = /^(dear|hi|hello|good (morning|afternoon|evening))\b.{0,80}[,!]$/i;
  var SIGN_OFF = /^[^.!?\n]{2,40},$/;

  function letterMessage(text) {
    var lines = text.split("\n");
    if (lines.length && GREETING.test(lines[0].trim())) lines.shift();
    var filled = [];
    lines.forEach(function (line, i) { if (line.trim()) filled.push(i); });
    var last = filled[filled.length - 1];
    var before = filled[filled.length - 2];
    if (filled.length && SIGN_OFF.test(lines[last].trim())) {
      lines = lines.slice(0, last);
    } else if (filled.length >= 2 && SIGN_OFF.test(lines[before].trim())) {
      lines = lines.slice(0, before);
    }
    return lines.join("\n").trim();
  }

  // As count_sentences in guardrails.py: a full stop after a title, "e.g" or a
  // single initial ("Dr. Smith", "J. Ortega") ends no sentence.
  function countSentences(text, abbreviations) {
    text = text.trim();
    if (!text) return 0;
    var skip = (abbreviations || "").split("|");
    var pattern = /[.!?]+(?=\s|$)/g;
    var ends = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      var inside = match.index + match[0].length < text.length;
      var word = text.slice(0, match.index).split(/\s+/).pop().toLowerCase().replace(/^[("'“‘]+/, "");
      if (match[0] === "." && inside && (skip.indexOf(word) !== -1 || /^\p{L}$/u.test(word))) continue;
      ends += 1;
    }
    return ends + (/[.!?]$/.test(text) ? 0 : 1);
  }

  function countWords(text) {
    text = text.trim();
    return text ? text.split(/\s+/).length : 0;
  }

  function containsAny(text, list) {
    if (!list) return false;
    var lower = text.toLowerCase();
    return list.split("|").some(function (fragment) { return fragment && lower.indexOf(fragment) !== -1; });
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function check(box, text) {
    var kind = box.dataset.guardrails;
    text = text.replace(/\r\n?/g, "\n").trim();
    var measured = kind === "thank_you" ? letterMessage(text) : text;
    var sentences = countSentences(measured, box.dataset.abbreviations);
    var words = countWords(measured);
    var characters = Array.from(text).length;  // code points, as Python's len()
    var limit = parseInt(box.dataset.maxCharacters || "0", 10);
    var findings = [];
    if (limit && characters > limit) {
      findings.push(["bad", "LinkedIn allows " + limit + " characters in a connection note; this one has " +
        characters + ". Cut " + (characters - limit) + " to fit."]);
    }
    var maxSentences = parseInt(box.dataset.maxSentences || "0", 10);
    var maxWords = parseInt(box.dataset.maxWords || "0", 10);
    if ((maxSentences && sentences > maxSentences) || (maxWords && words > maxWords)) {
      findings.push(["warn", "This runs to " + plural(sentences, "sentence") + " and " + plural(words, "word") +
        ". A thank-you reads best at up to " + maxSentences + " sentences or " + maxWords + " words."]);
    }
    if (containsAny(measured, box.dataset.playByPlay)) {
      findings.push(["warn", "This retells the interview step by step. They were there: keep one highlight."]);
    }
    if (containsAny(measured, box.dataset.workHistory)) {
      findings.push(["warn", "Leave the work history to your résumé; name two or three matching strengths."]);
    }
    if ((kind === "thank_you" || kind === "linkedin") && containsAny(measured, box.dataset.apologyWords)) {
      findings.push(["warn", "The correction apologises. Say what you meant in one calm sentence, without " +
        "“sorry”: small slips need no mention at all."]);
    }
    return {sentences: sentences, words: words, characters: characters, limit: limit, findings: findings};
  }

  function render(box, result) {
    var counts = box.querySelector("[data-guardrail-counts]");
    var list = box.querySelector("[data-guardrail-findings]");
    if (counts) {
      counts.textContent = plural(result.sentences, "sentence") + " · " + plural(result.words, "word") + " · " +
        result.characters + (result.limit ? " / " + result.limit : "") + " characters";
      counts.classList.toggle("guardrail-bad", !!(result.limit && result.characters > result.limit));
    }
    if (list) {
      list.textContent = "";
      result.findings.forEach(function (finding) {
        var item = document.createElement("li");
        item.className = "guardrail-" + finding[0];
        item.textContent = finding[1];
        list.appendChild(item);
      });
    }
  }

  document.querySelectorAll("[data-guardrails]").forEach(function (box) {
    var area = box.querySelector("textarea");
    if (!area) return;
    var update = function () { render(box, check(box, area.value)); };
    area.addEventListener("input", update);
    update();
  });
})();
