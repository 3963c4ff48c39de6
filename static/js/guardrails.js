// Live guardrails on a follow-up draft: counts and warnings while the candidate types.
// Mirrors reminders/followups/guardrails.py: the thresholds and word lists come from
// data- attributes on the box and every message text from the json_script element it
// names, so no rule or wording is written twice. The server checks again on save:
// this is only a guide.
(function () {
  "use strict";

  // The same patterns as letter_parts in reminders/followups/letters.py.
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
    // Only from the start of a run of marks, so a long run is read once.
    var pattern = /(?<![.!?])[.!?]+(?=\s|$)/g;
    // The word before a mark is looked for this far back only, as on the
    // server: a longer word is no abbreviation, and the count stays linear.
    var lookback = Math.max.apply(null, skip.map(function (s) { return s.length; })) + 4;
    var ends = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      var inside = match.index + match[0].length < text.length;
      var before = text.slice(Math.max(0, match.index - lookback), match.index);
      var tokens = before.split(/\s+/);
      var word = tokens.length > 1 || match.index < lookback ? tokens.pop() : "";
      word = word.toLowerCase().replace(/^[("'“‘]+/, "");
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

  // Fills "{name}" placeholders, as str.format does for the server's templates.
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function plural(texts, n, unit) { return n + " " + texts.units[unit][n === 1 ? 0 : 1]; }

  function readTexts(box) {
    var element = document.getElementById(box.dataset.guardrailTexts || "");
    return element ? JSON.parse(element.textContent) : null;
  }

  function check(box, texts, text) {
    var kind = box.dataset.guardrails;
    var messages = texts.messages;
    text = text.replace(/\r\n?/g, "\n").trim();
    var measured = kind === "thank_you" ? letterMessage(text) : text;
    var sentences = countSentences(measured, box.dataset.abbreviations);
    var words = countWords(measured);
    var characters = Array.from(text).length;  // code points, as Python's len()
    var limit = parseInt(box.dataset.maxCharacters || "0", 10);
    var findings = [];
    if (limit && characters > limit) {
      findings.push(["bad", fill(messages.linkedin_limit,
        {limit: limit, characters: characters, over: characters - limit})]);
    }
    var maxSentences = parseInt(box.dataset.maxSentences || "0", 10);
    var maxWords = parseInt(box.dataset.maxWords || "0", 10);
    if ((maxSentences && sentences > maxSentences) || (maxWords && words > maxWords)) {
      findings.push(["warn", fill(messages.too_long, {
        sentences: plural(texts, sentences, "sentence"), words: plural(texts, words, "word"),
        max_sentences: maxSentences, max_words: maxWords})]);
    }
    if (containsAny(measured, box.dataset.playByPlay)) findings.push(["warn", messages.play_by_play]);
    if (containsAny(measured, box.dataset.workHistory)) findings.push(["warn", messages.work_history]);
    if ((kind === "thank_you" || kind === "linkedin") && containsAny(measured, box.dataset.apologyWords)) {
      findings.push(["warn", messages.apology]);
    }
    return {sentences: sentences, words: words, characters: characters, limit: limit, findings: findings};
  }

  function countsLine(texts, result) {
    return fill(texts.counts, {
      sentences: plural(texts, result.sentences, "sentence"),
      words: plural(texts, result.words, "word"),
      characters: result.characters,
      limit: result.limit ? fill(texts.counts_limit, {limit: result.limit}) : "",
    });
  }

  function render(box, texts, result) {
    var counts = box.querySelector("[data-guardrail-counts]");
    var list = box.querySelector("[data-guardrail-findings]");
    if (counts) {
      counts.textContent = countsLine(texts, result);
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
    var texts = readTexts(box);
    // Without the server's texts the server-rendered findings stay as they are.
    if (!area || !texts) return;
    var update = function () { render(box, texts, check(box, texts, area.value)); };
    area.addEventListener("input", update);
    update();
  });
})();
