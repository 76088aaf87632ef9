/* nextword: the lesson's interactive page. Vanilla JS, no network.
   Every number shown comes from the page data as text (the *_text fields, written by Python);
   floats are only used for geometry. User text reaches the screen only as text nodes. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("page-data").textContent);
  var SVG_NS = "http://www.w3.org/2000/svg";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // The lesson's word colours (scenes/kit/style.py WORD_COLORS); the data may carry its own.
  var WORD_COLORS = ["#5AB0F0", "#FFB454", "#7BD389", "#E58FD8", "#C3A6FF",
    "#F7DC6F", "#5ED6C8", "#FF8A65", "#A3C4F3", "#D4E157"];

  function $(id) { return document.getElementById(id); }

  /* An element with attributes and children; strings become text nodes, never markup. */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    setAttrs(node, attrs);
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function setAttrs(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") node.textContent = String(v);
      else node.setAttribute(k, String(v));
    });
  }
  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function clamp(x, lo, hi) { return Math.max(lo, Math.min(hi, x)); }
  function slug(key) { return String(key).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""); }

  function hslToHex(h, s, l) {
    // The golden-ratio colours of words beyond the tenth (as colorsys.hls_to_rgb in the video).
    function hue(p, q, t) {
      t = (t + 1) % 1;
      if (t < 1 / 6) return p + (q - p) * 6 * t;
      if (t < 1 / 2) return q;
      if (t < 2 / 3) return p + (q - p) * (2 / 3 - t) * 6;
      return p;
    }
    var q = l < 0.5 ? l * (1 + s) : l + s - l * s, p = 2 * l - q;
    return "#" + [hue(p, q, h + 1 / 3), hue(p, q, h), hue(p, q, h - 1 / 3)].map(function (c) {
      return ("0" + Math.round(c * 255).toString(16)).slice(-2);
    }).join("");
  }
  function wordColor(run, index) {
    if (run.colors && run.colors[index]) return run.colors[index];
    if (index < WORD_COLORS.length) return WORD_COLORS[index];
    return hslToHex((index * 0.618034) % 1, 0.6, 0.68);
  }
  function isTyping(target) {
    if (!target || !target.closest) return false;
    return !!target.closest("input, textarea, select, button, a[href], video, audio, summary, [contenteditable]," +
      " [role=button], [role=slider], [role=textbox], [role=region], [role=dialog]");
  }

  /* ---- title ------------------------------------------------------------------------ */
  $("page-title").textContent = data.title;

  /* ---- the video and its captions --------------------------------------------------- */
  var video = $("video");
  video.setAttribute("src", data.video);
  if (data.poster) video.setAttribute("poster", data.poster);
  // Cue text is WebVTT cue markup: escape it so every character shows as written.
  function vttText(s) { return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }
  var track = null;
  if (video.addTextTrack && window.VTTCue) {
    track = video.addTextTrack("captions", "English", "en");
    (data.cues || []).forEach(function (c) {
      try { track.addCue(new VTTCue(c.start, c.end, vttText(c.text))); } catch (e) { /* a bad cue is skipped */ }
    });
    // If the narration is already drawn into the video, keep the track available but hidden.
    track.mode = data.captions_in_video ? "hidden" : "showing";
  }

  function seek(t) {
    try { video.currentTime = t; } catch (e) { /* not seekable yet */ }
    lastTime = t;
    syncToVideo(t);
  }

  /* ---- chapters -------------------------------------------------------------------- */
  var chapters = data.chapters || [];
  var chapterButtons = chapters.map(function (ch, i) {
    var b = el("button", { type: "button", "class": "chapter", "data-testid": "chapter-" + i },
      el("span", { "class": "clock" }, ch.clock),
      el("span", { "class": "chapter-title" }, ch.title));
    b.addEventListener("click", function () { seek(ch.start); });
    $("chapter-list").appendChild(el("li", null, b));
    return b;
  });

  /* ---- transcript ------------------------------------------------------------------ */
  var lines = data.transcript || [];
  var box = $("transcript");
  var lineButtons = lines.map(function (line, i) {
    var b = el("button", { type: "button", "class": "line", "data-testid": "line-" + i },
      line.clock ? el("span", { "class": "clock" }, line.clock) : null,
      el("span", { "class": "line-text" }, line.text));
    b.addEventListener("click", function () { seek(line.start); });
    box.appendChild(el("li", null, b));
    return b;
  });
  // One tab stop for the whole transcript (the line being said); arrow keys, Home and End move
  // between its lines, so a keyboard user never tabs through every phrase of the lesson.
  function setTabStop(i) {
    lineButtons.forEach(function (b, j) { b.tabIndex = j === i ? 0 : -1; });
  }
  setTabStop(0);
  box.addEventListener("keydown", function (e) {
    var i = lineButtons.indexOf(document.activeElement);
    if (i < 0) return;
    var n = lineButtons.length, k = null;
    if (e.key === "ArrowDown") k = Math.min(i + 1, n - 1);
    else if (e.key === "ArrowUp") k = Math.max(i - 1, 0);
    else if (e.key === "Home") k = 0;
    else if (e.key === "End") k = n - 1;
    if (k === null) return;
    e.preventDefault();
    setTabStop(k);
    lineButtons[k].focus();
  });

  function lastStartedIndex(items, t) {
    var found = -1;
    for (var i = 0; i < items.length; i++) if (items[i].start <= t + 1e-3) found = i;
    return found;
  }
  function currentLine(t) {
    for (var i = 0; i < lines.length; i++) if (lines[i].start <= t + 1e-3 && t < lines[i].end) return i;
    return lastStartedIndex(lines, t);  // between lines: the one just said
  }

  var shownChapter = -2, shownLine = -2;
  function syncToVideo(t) {
    var c = lastStartedIndex(chapters, t);
    if (c !== shownChapter) {
      chapterButtons.forEach(function (b, i) {
        if (i === c) b.setAttribute("aria-current", "true"); else b.removeAttribute("aria-current");
      });
      shownChapter = c;
    }
    var l = currentLine(t);
    if (l !== shownLine) {
      lineButtons.forEach(function (b, i) {
        if (i === l) { b.classList.add("current"); b.setAttribute("aria-current", "true"); }
        else { b.classList.remove("current"); b.removeAttribute("aria-current"); }
      });
      shownLine = l;
      if (l >= 0) scrollLineIntoView(lineButtons[l]);
      if (l >= 0 && lineButtons.indexOf(document.activeElement) < 0) setTabStop(l);  // never steal focus
    }
  }
  function scrollLineIntoView(b) {
    // Within the transcript's own box only: the page never jumps.
    var item = b.parentNode;
    var top = item.offsetTop, bottom = top + item.offsetHeight;
    if (top >= box.scrollTop + 8 && bottom <= box.scrollTop + box.clientHeight - 8) return;
    var target = clamp(top - box.clientHeight / 3, 0, box.scrollHeight - box.clientHeight);
    if (box.scrollTo) box.scrollTo({ top: target, behavior: reduceMotion ? "auto" : "smooth" });
    else box.scrollTop = target;
  }

  /* ---- pause and predict ----------------------------------------------------------- */
  var questions = data.questions || [];
  var asked = questions.map(function () { return false; });
  var dialog = $("question");
  var lastTime = 0;
  var resumeAfter = false;

  // A question is asked a moment before its time: the frame at `at` may already show the answer.
  var LEAD = 0.3;
  function checkQuestions(t) {
    if (!video.paused && !video.seeking && t > lastTime && t - lastTime < 2 && !dialog.open) {
      for (var i = 0; i < questions.length; i++) {
        var q = questions[i];
        if (!asked[i] && lastTime <= q.at && q.at - LEAD <= t) { ask(i); break; }
      }
    }
    lastTime = t;
  }

  function ask(i) {
    var q = questions[i];
    asked[i] = true;
    video.pause();
    resumeAfter = true;
    $("q-text").textContent = q.question;
    var verdict = $("q-verdict"), explain = $("q-explain");
    verdict.textContent = ""; verdict.className = "q-verdict"; explain.textContent = "";
    $("q-continue").hidden = true;
    $("q-skip").hidden = false;
    var choices = $("q-choices");
    clear(choices);
    var buttons = q.choices.map(function (choice, k) {
      var b = el("button", { type: "button", "class": "btn", "data-testid": "choice-" + k }, choice);
      b.addEventListener("click", function () { answer(q, buttons, k); });
      choices.appendChild(b);
      return b;
    });
    dialog.setAttribute("data-question", String(i));
    if (dialog.showModal) dialog.showModal(); else dialog.setAttribute("open", "");
    if (buttons[0]) buttons[0].focus();
  }

  function answer(q, buttons, k) {
    var right = q.choices[k] === q.answer;
    buttons.forEach(function (b, j) {
      b.disabled = true;
      if (q.choices[j] === q.answer) {
        b.classList.add("right");
        b.appendChild(el("span", { "class": "sr-only" }, " (the answer)"));
      } else if (j === k) b.classList.add("chosen-wrong");
      if (j === k) b.setAttribute("aria-pressed", "true");
    });
    var verdict = $("q-verdict");
    verdict.className = "q-verdict " + (right ? "right" : "wrong");
    verdict.textContent = (right ? "Right: " : "Not quite. The answer is ") + "“" + q.answer + "”.";
    $("q-explain").textContent = q.explain;
    $("q-skip").hidden = true;
    var go = $("q-continue");
    go.hidden = false;
    go.focus();
  }

  function closeQuestion() {
    if (dialog.open) { if (dialog.close) dialog.close(); else dialog.removeAttribute("open"); }
  }
  dialog.addEventListener("close", function () {
    if (resumeAfter) {
      resumeAfter = false;
      var p = video.play();
      if (p && p.catch) p.catch(function () { /* the browser may refuse; the controls remain */ });
    }
    video.focus();
  });
  $("q-continue").addEventListener("click", closeQuestion);
  $("q-skip").addEventListener("click", closeQuestion);

  /* ---- following the video --------------------------------------------------------- */
  var frame = 0;
  function tick() {
    frame = 0;
    var t = video.currentTime;
    syncToVideo(t);
    checkQuestions(t);
    if (!video.paused && !video.ended) frame = requestAnimationFrame(tick);
  }
  video.addEventListener("play", function () { if (!frame) frame = requestAnimationFrame(tick); });
  video.addEventListener("timeupdate", function () { syncToVideo(video.currentTime); checkQuestions(video.currentTime); });
  video.addEventListener("seeking", function () { lastTime = video.currentTime; syncToVideo(lastTime); });
  video.addEventListener("seeked", function () { lastTime = video.currentTime; syncToVideo(lastTime); });
  syncToVideo(0);

  function togglePlay() {
    if (video.paused || video.ended) {
      var p = video.play();
      if (p && p.catch) p.catch(function () { /* ignored: autoplay policy */ });
    } else video.pause();
  }

  /* ---- the run explorer ------------------------------------------------------------- */
  var runs = data.runs || {};
  var runKeys = Object.keys(runs);
  var runKey = runKeys.indexOf("main") >= 0 ? "main" : runKeys[0];
  var epoch = 0;
  var slider = $("epoch-slider");
  var pairRows = [];   // [pair][word] -> {fill, pct}
  var vectorCells = [];
  var mapBounds = null;

  runKeys.forEach(function (key, i) {
    var input = el("input", {
      type: "radio", name: "run", value: key, id: "run-" + i, "data-testid": "run-" + slug(key)
    });
    if (key === runKey) input.checked = true;
    input.addEventListener("change", function () { if (input.checked) selectRun(key); });
    $("run-switches").appendChild(el("label", { "class": "run-switch", "for": "run-" + i },
      input, el("span", null, runs[key].label)));
  });

  function run() { return runs[runKey]; }

  function selectRun(key) {
    runKey = key;
    stopEpochs();
    buildRun();
  }

  function buildRun() {
    var R = run();
    if (!R) return;
    slider.max = String(R.epochs);
    epoch = clamp(epoch, 0, R.epochs);
    slider.value = String(epoch);
    $("epoch-last").textContent = String(R.epochs);
    $("run-info").textContent = "Learning rate " + R.lr + ", " + R.context +
      (R.context === 1 ? " word" : " words") + " of context, epochs 0 to " + R.epochs + ".";
    var dbox = $("diverged-box");
    if (R.diverged_epoch !== null && R.diverged_epoch !== undefined) {
      $("diverged-value").textContent = String(R.diverged_epoch);
      dbox.hidden = false;
    } else dbox.hidden = true;
    buildFacts(R);
    buildPairs(R);
    buildVector(R);
    mapBounds = boundsOf(R.map);
    showEpoch(epoch);
  }

  function buildFacts(R) {
    var box = $("facts");
    clear(box);
    var f = R.facts || {};
    var items = [
      ["all_correct_epoch", "Every guess right from epoch "],
      ["loss_halved_epoch", "Loss halved by epoch "],
      ["convergence_epoch", "Settled by epoch "]
    ];
    items.forEach(function (it) {
      var e = f[it[0]];
      if (e === null || e === undefined || e > R.epochs) return;
      var b = el("button", { type: "button", "class": "btn", "data-testid": "fact-" + it[0] }, it[1] + e);
      b.setAttribute("aria-label", it[1] + e + ": show that epoch");
      b.addEventListener("click", function () { stopEpochs(); showEpoch(e); });
      box.appendChild(b);
    });
  }

  function contextChip(R, word) {
    var index = R.vocab.indexOf(word);
    var chip = el("span", { "class": index < 0 ? "chip start" : "chip" }, word);
    if (index >= 0) chip.style.setProperty("--chip", wordColor(R, index));
    return chip;
  }

  function buildPairs(R) {
    var box = $("pairs");
    clear(box);
    pairRows = R.pairs.map(function (pair, p) {
      var caption = el("figcaption", null);
      pair.context.forEach(function (w) { caption.appendChild(contextChip(R, w)); caption.appendChild(document.createTextNode(" ")); });
      caption.appendChild(el("span", { "aria-hidden": "true" }, "→ ?"));
      caption.appendChild(el("span", { "class": "sr-only" }, ", then which word?"));
      if (p === R.focus_pair) caption.appendChild(el("span", { "class": "tag" }, "(the video's example)"));
      var list = el("ul", { "class": "bars" });
      var rows = R.vocab.map(function (word, w) {
        var right = w === pair.target_id;
        var fill = el("span", { "class": "fill" });
        fill.style.setProperty("--bar", wordColor(R, w));
        var pct = el("span", { "class": "pct", "data-testid": "prob-" + p + "-" + w });
        list.appendChild(el("li", { "class": right ? "bar-row right" : "bar-row", "data-word": String(w) },
          el("span", { "class": "w", title: word }, word, right ? el("span", { "class": "sr-only" }, " (the right word)") : null),
          el("span", { "class": "track", "aria-hidden": "true" }, fill),
          pct));
        return { fill: fill, pct: pct };
      });
      box.appendChild(el("figure", {
        "class": p === R.focus_pair ? "pair focus" : "pair", "data-testid": "pair-" + p
      }, caption, list));
      return rows;
    });
  }

  function buildVector(R) {
    var h = $("h-vector");
    clear(h);
    append(h, ["Vector for ", contextChip(R, R.vector_word)]);
    var list = $("vector");
    clear(list);
    var d = R.vector.length ? R.vector[0].length : 0;
    vectorCells = [];
    for (var i = 0; i < d; i++) {
      var val = el("span", { "class": "val", "data-testid": "vector-" + i });
      list.appendChild(el("li", null, el("span", { "class": "dim", "aria-hidden": "true" }, String(i + 1)),
        el("span", { "class": "sr-only" }, "dimension " + (i + 1) + ": "), val));
      vectorCells.push(val);
    }
    list.setAttribute("aria-label", "The " + d + " numbers of the vector");
  }

  function showEpoch(e) {
    var R = run();
    epoch = clamp(Math.round(e), 0, R.epochs);
    slider.value = String(epoch);
    $("epoch-value").textContent = String(epoch);
    $("loss-value").textContent = R.mean_loss_text[epoch];
    $("accuracy-value").textContent = R.accuracy_text[epoch];
    slider.setAttribute("aria-valuetext", "epoch " + epoch + " of " + R.epochs + ", mean loss " +
      R.mean_loss_text[epoch] + ", " + R.accuracy_text[epoch] + " of pairs right");
    var probs = R.probs[epoch], texts = R.probs_text[epoch];
    pairRows.forEach(function (rows, p) {
      rows.forEach(function (row, w) {
        row.pct.textContent = texts[p][w];
        row.fill.style.width = clamp(probs[p][w] * 100, 0, 100) + "%";
      });
    });
    var vec = R.vector[epoch];
    vectorCells.forEach(function (cell, i) {
      var s = vec[i];
      cell.textContent = s;
      cell.className = "val" + (/^[−-]/.test(s) ? " neg" : /[1-9]/.test(s) ? " pos" : "");
    });
    drawLoss();
    drawMap();
  }

  /* ---- the loss curve ---------------------------------------------------------------- */
  function epochStep(last, most) {
    var steps = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000];
    for (var i = 0; i < steps.length; i++) if (last / steps[i] <= most) return steps[i];
    return steps[steps.length - 1];
  }

  function drawLoss() {
    var R = run(), host = $("loss-chart");
    var W = Math.max(260, host.clientWidth || 480), H = Math.round(clamp(W * 0.55, 210, 300));
    var m = { l: 30, r: 16, t: 22, b: 40 };
    var losses = R.mean_loss.filter(function (x) { return isFinite(x); });
    var top = Math.max.apply(null, losses.concat([R.random_baseline])) * 1.08 || 1;
    var last = Math.max(R.epochs, 1);
    function X(e) { return m.l + (W - m.l - m.r) * e / last; }
    function Y(v) { return m.t + (H - m.t - m.b) * (1 - clamp(v, 0, top) / top); }
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img",
      "aria-label": "Mean loss per epoch, epochs 0 to " + R.epochs + ". At epoch " + epoch + ": " +
        R.mean_loss_text[epoch] + ". Random guessing: " + R.random_baseline_text + "." });
    var step = epochStep(last, W < 400 ? 5 : 8);
    for (var e = 0; e <= R.epochs; e += step) {
      s.appendChild(svg("line", { "class": "grid", x1: X(e), x2: X(e), y1: m.t, y2: H - m.b }));
      s.appendChild(svg("text", { x: X(e), y: H - m.b + 16, "text-anchor": "middle" }, String(e)));
    }
    s.appendChild(svg("line", { "class": "axis", x1: m.l, x2: W - m.r, y1: H - m.b, y2: H - m.b }));
    s.appendChild(svg("line", { "class": "axis", x1: m.l, x2: m.l, y1: m.t, y2: H - m.b }));
    s.appendChild(svg("text", { x: m.l - 6, y: H - m.b + 4, "text-anchor": "end" }, "0"));
    s.appendChild(svg("text", { x: (m.l + W - m.r) / 2, y: H - 6, "text-anchor": "middle" }, "epoch"));
    s.appendChild(svg("text", { x: m.l, y: 12, "text-anchor": "start" }, "mean loss"));
    // the random-guess line
    var yb = Y(R.random_baseline);
    s.appendChild(svg("line", { "class": "baseline", x1: m.l, x2: W - m.r, y1: yb, y2: yb }));
    // the curve: all epochs faint, up to the slider's epoch strong
    function path(upto) {
      var d = "";
      for (var k = 0; k <= upto && k < R.mean_loss.length; k++) {
        d += (k ? "L" : "M") + X(k).toFixed(1) + " " + Y(R.mean_loss[k]).toFixed(1);
      }
      return d;
    }
    s.appendChild(svg("path", { "class": "curve-all", d: path(R.epochs) }));
    s.appendChild(svg("path", { "class": "curve", d: path(epoch) }));
    s.appendChild(svg("text", {
      "class": "baseline-label halo", x: W - m.r, y: yb - 6, "text-anchor": "end", "data-testid": "baseline"
    }, "random guess " + R.random_baseline_text));
    if (R.diverged_epoch !== null && R.diverged_epoch !== undefined && R.diverged_epoch <= R.epochs) {
      var xd = X(R.diverged_epoch);
      s.appendChild(svg("line", { "class": "diverged", x1: xd, x2: xd, y1: m.t, y2: H - m.b }));
    }
    // the marker
    var x = X(epoch), y = Y(R.mean_loss[epoch]);
    s.appendChild(svg("line", { "class": "cursor", x1: x, x2: x, y1: m.t, y2: H - m.b }));
    s.appendChild(svg("circle", { "class": "dot", cx: x, cy: y, r: 5 }));
    var right = x > W - 90;
    s.appendChild(svg("text", {
      "class": "dot-label halo", x: right ? x - 9 : x + 9, y: clamp(y - 9, m.t + 10, H - m.b - 6),
      "text-anchor": right ? "end" : "start"
    }, R.mean_loss_text[epoch]));
    host.replaceChildren ? host.replaceChildren(s) : (clear(host), host.appendChild(s));
  }

  /* ---- the word map ------------------------------------------------------------------ */
  function boundsOf(map) {
    var b = { x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity };
    map.forEach(function (points) {
      points.forEach(function (pt) {
        if (!isFinite(pt[0]) || !isFinite(pt[1])) return;
        b.x0 = Math.min(b.x0, pt[0]); b.x1 = Math.max(b.x1, pt[0]);
        b.y0 = Math.min(b.y0, pt[1]); b.y1 = Math.max(b.y1, pt[1]);
      });
    });
    if (!isFinite(b.x0)) b = { x0: -1, x1: 1, y0: -1, y1: 1 };
    return b;
  }

  function drawMap() {
    var R = run(), host = $("word-map"), b = mapBounds;
    var W = Math.max(260, host.clientWidth || 480), H = Math.round(clamp(W * 0.85, 220, 440));
    var pad = 26, padR = 70;
    var dx = Math.max(b.x1 - b.x0, 1e-9), dy = Math.max(b.y1 - b.y0, 1e-9);
    var k = Math.min((W - pad - padR) / dx, (H - 2 * pad) / dy);  // one scale: distances stay true
    var ox = pad + ((W - pad - padR) - k * dx) / 2, oy = pad + ((H - 2 * pad) - k * dy) / 2;
    function X(v) { return ox + (v - b.x0) * k; }
    function Y(v) { return H - (oy + (v - b.y0) * k); }
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img",
      "aria-label": "Word map at epoch " + epoch + ": one point per word (" + R.vocab.join(", ") + ")" });
    s.appendChild(svg("rect", { "class": "frame", x: 0.5, y: 0.5, width: W - 1, height: H - 1, rx: 6 }));
    if (b.x0 <= 0 && b.x1 >= 0) s.appendChild(svg("line", { "class": "grid", x1: X(0), x2: X(0), y1: 1, y2: H - 1 }));
    if (b.y0 <= 0 && b.y1 >= 0) s.appendChild(svg("line", { "class": "grid", x1: 1, x2: W - 1, y1: Y(0), y2: Y(0) }));
    var points = R.map[epoch] || [];
    R.vocab.forEach(function (word, w) {
      var d = "";
      for (var e = 0; e <= epoch; e++) {
        var pt = R.map[e][w];
        d += (e ? "L" : "M") + X(pt[0]).toFixed(1) + " " + Y(pt[1]).toFixed(1);
      }
      if (epoch > 0) s.appendChild(svg("path", { "class": "trail", d: d, stroke: wordColor(R, w) }));
    });
    R.vocab.forEach(function (word, w) {
      var pt = points[w];
      if (!pt) return;
      var x = X(pt[0]), y = Y(pt[1]);
      var g = svg("g", { "data-testid": "map-word-" + w });
      g.appendChild(svg("circle", { "class": "point", cx: x, cy: y, r: 6, fill: wordColor(R, w) }));
      g.appendChild(svg("text", { "class": "word-label halo", x: x + 9, y: y + 4 }, word));
      s.appendChild(g);
    });
    host.replaceChildren ? host.replaceChildren(s) : (clear(host), host.appendChild(s));
  }

  /* ---- epoch controls ----------------------------------------------------------------- */
  var timer = 0;
  var playButton = $("epoch-play");
  function setPlayButton(playing) {
    $("epoch-play-icon").textContent = playing ? "❚❚" : "▶";
    $("epoch-play-text").textContent = playing ? "Pause" : "Play";
    playButton.setAttribute("aria-label", playing ? "Pause the epochs" : "Play through the epochs");
  }
  function stopEpochs() {
    if (timer) { clearInterval(timer); timer = 0; }
    setPlayButton(false);
  }
  function playEpochs() {
    var R = run();
    if (epoch >= R.epochs) showEpoch(0);
    var delay = clamp(Math.round(8000 / Math.max(R.epochs, 1)), 60, 400);
    timer = setInterval(function () {
      if (epoch >= run().epochs) { stopEpochs(); return; }
      showEpoch(epoch + 1);
    }, delay);
    setPlayButton(true);
  }
  playButton.addEventListener("click", function () { if (timer) stopEpochs(); else playEpochs(); });
  slider.addEventListener("input", function () { stopEpochs(); showEpoch(Number(slider.value)); });
  slider.addEventListener("change", function () { showEpoch(Number(slider.value)); });

  document.addEventListener("keydown", function (ev) {
    if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey || dialog.open) return;
    var target = ev.target;
    if (ev.key === " " || ev.key === "Spacebar") {
      if (isTyping(target)) return;
      ev.preventDefault();
      togglePlay();
    } else if (ev.key === "[" || ev.key === "]") {
      if (target && target.closest && target.closest("input:not([type=range]):not([type=radio]), textarea, [contenteditable]")) return;
      ev.preventDefault();
      stopEpochs();
      showEpoch(epoch + (ev.key === "]" ? 1 : -1));
    }
  });

  var redraw = 0;
  function scheduleRedraw() {
    if (redraw) return;
    redraw = requestAnimationFrame(function () { redraw = 0; if (run()) { drawLoss(); drawMap(); } });
  }
  if (window.ResizeObserver) {
    var ro = new ResizeObserver(scheduleRedraw);
    ro.observe($("loss-chart"));
    ro.observe($("word-map"));
  } else window.addEventListener("resize", scheduleRedraw);

  buildRun();
  document.documentElement.setAttribute("data-ready", "true");
})();
