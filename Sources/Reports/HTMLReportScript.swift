extension HTMLReport {
    /// The page's script: reads the embedded `HTMLReportData` and draws the summary, the sortable
    /// table, the threshold slider, the curves, the heatmaps and the per-fold chart. Plain DOM and
    /// SVG, no library, so the page works from `file://` with no network.
    static let script = #"""
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("report-data").textContent);
  const SVG = "http://www.w3.org/2000/svg";
  const n = D.concepts.length;
  const LINE_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#F0E442"];
  const DASHES = ["", "6 3", "2 2", "8 3 2 3"];
  const VIRIDIS = [[68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142],
    [31, 158, 137], [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37]];
  const MAX_OVERLAID = 50;
  const MAX_FOLD_ROWS = 100;
  const MAX_SVG_MATRIX = 100;

  function el(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const key in attributes || {}) node.setAttribute(key, attributes[key]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function svgEl(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    for (const key in attributes || {}) node.setAttribute(key, attributes[key]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function fmt(value, digits) {
    return value === null || value === undefined || !isFinite(value) ? "–" : value.toFixed(digits === undefined ? 4 : digits);
  }
  function viridis(t) {
    const x = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
    const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
    const f = x - i;
    const c = VIRIDIS[i].map((v, j) => Math.round(v + (VIRIDIS[i + 1][j] - v) * f));
    return { css: "rgb(" + c.join(",") + ")", light: (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) > 140 };
  }

  // ---- counts at a grid threshold (index 0..100) ----
  function countsAt(i, k) {
    if (D.grid) {
      const g = D.grid[i];
      const tp = g.tp[k], fp = g.fp[k], fn = g.positives - tp;
      return { labeled: g.positives, predicted: tp + fp, tp: tp, fn: fn, fp: fp,
        precision: tp + fp > 0 ? tp / (tp + fp) : 0, recall: g.positives > 0 ? tp / g.positives : 0,
        f1: 2 * tp + fp + fn > 0 ? 2 * tp / (2 * tp + fp + fn) : 0 };
    }
    const r = D.rates[i], row = D.rows[i];
    if (!r) return { labeled: row.numPos, predicted: null, tp: null, fn: null, fp: null, precision: null, recall: null, f1: null };
    const pos = row.numPos || 0, neg = row.numNeg || 0;
    const tp = Math.floor(r.tpr[k] * pos + 1e-6), fp = Math.floor(r.fpr[k] * neg + 1e-6);
    const p = r.precision[k], rc = r.tpr[k];
    return { labeled: pos, predicted: tp + fp, tp: tp, fn: pos - tp, fp: fp, precision: p, recall: rc,
      f1: p + rc > 0 ? 2 * p * rc / (p + rc) : 0 };
  }
  function mean(values) {
    const defined = values.filter((v) => v !== null && v !== undefined && isFinite(v));
    return defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null;
  }

  // ---- header, summary and run ----
  document.getElementById("title").textContent = D.title;
  document.getElementById("subtitle").textContent = D.source === "crossfold"
    ? "crossfold evaluation" + (D.foldCount ? " · " + D.foldCount + " folds" : "")
    : "Clarifai evaluation";
  const summary = document.getElementById("summary");
  function card(name, statistic, note) {
    const box = el("div", { class: "card" });
    box.appendChild(el("div", { class: "card-name" }, name));
    const value = el("div", { class: "card-value" }, fmt(statistic.mean));
    if (statistic.std !== null && statistic.std !== undefined) value.appendChild(el("span", { class: "std" }, " ± " + fmt(statistic.std)));
    box.appendChild(value);
    box.appendChild(el("div", { class: "card-note" }, note));
    if (statistic.pooled !== null && statistic.pooled !== undefined) {
      box.appendChild(el("div", { class: "card-pooled" }, "pooled " + fmt(statistic.pooled)));
    }
    summary.appendChild(box);
  }
  const over = D.source === "crossfold" ? "mean ± std over folds" : "Clarifai's summary";
  card("Macro ROC AUC", D.summary.roc_auc, over);
  card("Macro F1", D.summary.f1, over + " at " + D.threshold);
  card("Macro precision", D.summary.precision, over + " at " + D.threshold);
  card("Macro recall", D.summary.recall, over + " at " + D.threshold);
  const runTable = document.getElementById("run");
  for (const pair of D.run) {
    const tr = el("tr");
    tr.appendChild(el("th", { scope: "row" }, pair[0]));
    tr.appendChild(el("td", {}, pair[1]));
    runTable.appendChild(tr);
  }

  // ---- threshold slider and the per-concept table ----
  const slider = document.getElementById("threshold");
  const sliderValue = document.getElementById("threshold-value");
  slider.value = String(Math.round(D.threshold * 100));
  document.getElementById("threshold-note").textContent = D.countsFrom === "pooled"
    ? "Counts, precision, recall and F1 below are pooled over all out-of-fold predictions at the chosen threshold."
    : "Counts are read from the curves as Clarifai's SDK reads them (a typical split's counts × the averaged rates).";
  const columns = [
    { key: "concept", label: "Concept", number: false },
    { key: "rocAUC", label: "ROC AUC", digits: 4 },
    { key: "averagePrecision", label: "Avg precision", digits: 4 },
    { key: "labeled", label: "Total labeled", digits: 0 },
    { key: "predicted", label: "Total predicted", digits: 0 },
    { key: "tp", label: "TP", digits: 0 },
    { key: "fn", label: "FN", digits: 0 },
    { key: "fp", label: "FP", digits: 0 },
    { key: "recall", label: "Recall", digits: 4 },
    { key: "precision", label: "Precision", digits: 4 },
    { key: "f1", label: "F1", digits: 4 },
  ];
  let sortKey = "concept", sortDescending = false;
  const table = document.getElementById("concepts");
  const head = el("thead"), headRow = el("tr");
  for (const column of columns) {
    const th = el("th", { scope: "col", "data-key": column.key, tabindex: "0", title: "Sort by " + column.label }, column.label);
    const sortBy = () => {
      sortDescending = sortKey === column.key ? !sortDescending : column.number !== false;
      sortKey = column.key;
      update();
    };
    th.addEventListener("click", sortBy);
    th.addEventListener("keydown", (event) => { if (event.key === "Enter") sortBy(); });
    headRow.appendChild(th);
  }
  head.appendChild(headRow);
  table.appendChild(head);
  const body = el("tbody");
  table.appendChild(body);
  const live = document.getElementById("live-summary");

  function tableRows(k) {
    return D.rows.map((row, i) => Object.assign({ index: i, concept: row.concept, rocAUC: row.rocAUC, rocAUCStd: row.rocAUCStd,
      averagePrecision: row.averagePrecision }, countsAt(i, k)));
  }
  function update() {
    const k = Number(slider.value);
    sliderValue.textContent = (k / 100).toFixed(2);
    const rows = tableRows(k);
    rows.sort((a, b) => {
      const x = a[sortKey], y = b[sortKey];
      if (x === y) return a.index - b.index;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      const order = typeof x === "string" ? x.localeCompare(y, undefined, { numeric: true }) : x - y;
      return sortDescending ? -order : order;
    });
    body.textContent = "";
    for (const row of rows) {
      const tr = el("tr");
      for (const column of columns) {
        let text = column.number === false ? row[column.key] : fmt(row[column.key], column.digits);
        if (column.key === "rocAUC" && row.rocAUCStd !== null && row.rocAUCStd !== undefined) text += " ± " + fmt(row.rocAUCStd);
        tr.appendChild(el(column.number === false ? "th" : "td", column.number === false ? { scope: "row" } : { "data-key": column.key }, text));
      }
      body.appendChild(tr);
    }
    for (const th of headRow.children) {
      th.setAttribute("aria-sort", th.getAttribute("data-key") === sortKey ? (sortDescending ? "descending" : "ascending") : "none");
    }
    const label = D.countsFrom === "pooled" ? "pooled" : "from the curves";
    live.textContent = "";
    for (const [name, key] of [["Macro F1", "f1"], ["Macro precision", "precision"], ["Macro recall", "recall"]]) {
      const item = el("span", { class: "live", "data-metric": key }, name + " at " + (k / 100).toFixed(2) + " (" + label + "): ");
      item.appendChild(el("strong", {}, fmt(mean(rows.map((r) => r[key])))));
      live.appendChild(item);
    }
    drawCurves(k);
  }

  // ---- curves ----
  const select = document.getElementById("curve-concept");
  const worst = D.rows.map((row, i) => [row.rocAUC === null ? -1 : row.rocAUC, i]).sort((a, b) => a[0] - b[0]).map((x) => x[1]);
  const overlaid = n > MAX_OVERLAID ? worst.slice(0, MAX_OVERLAID).sort((a, b) => a - b) : D.concepts.map((_, i) => i);
  select.appendChild(el("option", { value: "all" }, n > MAX_OVERLAID ? "all (the " + MAX_OVERLAID + " lowest ROC AUC)" : "all concepts"));
  D.concepts.forEach((concept, i) => select.appendChild(el("option", { value: String(i) }, concept)));
  select.addEventListener("change", () => update());

  function chart(svg, options) {
    svg.textContent = "";
    const width = 380, height = 320, left = 52, right = 12, top = 16, bottom = 46;
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", options.title);
    const x = (v) => left + v * (width - left - right);
    const y = (v) => height - bottom - v * (height - top - bottom);
    svg.appendChild(svgEl("title", {}, options.title));
    for (let t = 0; t <= 1.0001; t += 0.2) {
      svg.appendChild(svgEl("line", { x1: x(t), x2: x(t), y1: y(0), y2: y(1), class: "grid" }));
      svg.appendChild(svgEl("line", { x1: x(0), x2: x(1), y1: y(t), y2: y(t), class: "grid" }));
      svg.appendChild(svgEl("text", { x: x(t), y: y(0) + 16, class: "tick", "text-anchor": "middle" }, t.toFixed(1)));
      svg.appendChild(svgEl("text", { x: x(0) - 6, y: y(t) + 4, class: "tick", "text-anchor": "end" }, t.toFixed(1)));
    }
    svg.appendChild(svgEl("rect", { x: x(0), y: y(1), width: x(1) - x(0), height: y(0) - y(1), class: "frame" }));
    svg.appendChild(svgEl("text", { x: (x(0) + x(1)) / 2, y: height - 8, class: "axis", "text-anchor": "middle" }, options.xLabel));
    svg.appendChild(svgEl("text", { x: 14, y: (y(0) + y(1)) / 2, class: "axis", "text-anchor": "middle",
      transform: "rotate(-90 14 " + (y(0) + y(1)) / 2 + ")" }, options.yLabel));
    if (options.diagonal) svg.appendChild(svgEl("line", { x1: x(0), y1: y(0), x2: x(1), y2: y(1), class: "chance" }));
    for (const series of options.series) {
      const path = series.points.map((p, j) => (j ? "L" : "M") + x(p[0]).toFixed(1) + " " + y(p[1]).toFixed(1)).join(" ");
      const line = svgEl("path", { d: path, class: "series", stroke: series.color, "stroke-width": series.width,
        "stroke-dasharray": series.dash, "data-concept": series.name });
      line.appendChild(svgEl("title", {}, series.name));
      svg.appendChild(line);
      if (series.marker) {
        svg.appendChild(svgEl("circle", { cx: x(series.marker[0]), cy: y(series.marker[1]), r: 4, class: "marker",
          stroke: series.color }));
      }
    }
  }
  function drawCurves(k) {
    const choice = select.value;
    const chosen = choice === "all" ? overlaid : [Number(choice)];
    const roc = [], pr = [];
    const legend = document.getElementById("curve-legend");
    legend.textContent = "";
    chosen.forEach((i, j) => {
      const r = D.rates[i];
      if (!r) return;
      const color = LINE_COLORS[j % LINE_COLORS.length];
      const dash = DASHES[Math.floor(j / LINE_COLORS.length) % DASHES.length];
      const width = chosen.length > 12 ? 1.2 : 2;
      const rocPoints = [[0, 0]];
      for (let t = 100; t >= 0; t--) rocPoints.push([r.fpr[t], r.tpr[t]]);
      const prPoints = [];
      for (let t = 0; t <= 100; t++) prPoints.push([r.tpr[t], r.precision[t]]);
      roc.push({ name: D.concepts[i], points: rocPoints, color: color, dash: dash, width: width, marker: [r.fpr[k], r.tpr[k]] });
      pr.push({ name: D.concepts[i], points: prPoints, color: color, dash: dash, width: width, marker: [r.tpr[k], r.precision[k]] });
      const item = el("span", { class: "legend-item" });
      const swatch = svgEl("svg", { width: 28, height: 10, "aria-hidden": "true" });
      swatch.appendChild(svgEl("line", { x1: 0, x2: 28, y1: 5, y2: 5, stroke: color, "stroke-width": 2.5, "stroke-dasharray": dash }));
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(" " + D.concepts[i]));
      legend.appendChild(item);
    });
    chart(document.getElementById("roc"), { title: "ROC curve", xLabel: "False positive rate", yLabel: "True positive rate",
      series: roc, diagonal: true });
    chart(document.getElementById("pr"), { title: "Precision-recall curve", xLabel: "Recall", yLabel: "Precision", series: pr });
  }

  // ---- heatmaps ----
  function heatmap(container, matrix, options) {
    container.textContent = "";
    const size = matrix.length;
    if (size > MAX_SVG_MATRIX) {
      const cell = Math.max(1, Math.floor(900 / size));
      const canvas = el("canvas", { width: cell * size, height: cell * size, class: "heatmap-canvas", role: "img",
        "aria-label": options.title });
      const context = canvas.getContext("2d");
      for (let a = 0; a < size; a++) {
        for (let p = 0; p < size; p++) {
          const value = options.scale(a, p);
          context.fillStyle = value === null ? "#eee" : viridis(value).css;
          context.fillRect(p * cell, a * cell, cell, cell);
        }
      }
      const status = el("p", { class: "note" }, "Point at a cell to read it; click it for the inputs behind it.");
      const locate = (event) => {
        const box = canvas.getBoundingClientRect();
        const p = Math.floor((event.clientX - box.left) / box.width * size), a = Math.floor((event.clientY - box.top) / box.height * size);
        return a >= 0 && a < size && p >= 0 && p < size ? [a, p] : null;
      };
      canvas.addEventListener("mousemove", (event) => {
        const at = locate(event);
        if (at) status.textContent = options.describe(at[0], at[1]);
      });
      canvas.addEventListener("click", (event) => { const at = locate(event); if (at && options.onClick) options.onClick(at[0], at[1]); });
      container.appendChild(canvas);
      container.appendChild(status);
      return;
    }
    const cell = Math.max(10, Math.min(40, Math.floor(640 / Math.max(1, size))));
    const font = Math.max(8, Math.min(13, cell - 2));
    // Room for the axis titles, then for the concept names (rotated ones above the columns).
    const axisSpace = 24;
    const labelSpace = Math.max(24, Math.min(160, 10 + 0.62 * font * Math.max(...D.concepts.map((c) => c.length))));
    const originX = axisSpace + labelSpace, originY = axisSpace + labelSpace;
    const width = originX + cell * size + 10, height = originY + cell * size + 10;
    const svg = svgEl("svg", { viewBox: "0 0 " + width + " " + height, width: width, height: height, class: "heatmap", role: "img",
      "aria-label": options.title });
    svg.appendChild(svgEl("title", {}, options.title));
    svg.appendChild(svgEl("text", { x: originX + cell * size / 2, y: 15, class: "axis", "text-anchor": "middle" }, options.columnsLabel));
    svg.appendChild(svgEl("text", { x: 15, y: originY + cell * size / 2, class: "axis", "text-anchor": "middle",
      transform: "rotate(-90 15 " + (originY + cell * size / 2) + ")" }, options.rowsLabel));
    for (let i = 0; i < size; i++) {
      svg.appendChild(svgEl("text", { x: originX - 4, y: originY + i * cell + cell / 2 + font / 3, class: "label", "font-size": font,
        "text-anchor": "end" }, D.concepts[i]));
      const cx = originX + i * cell + cell / 2;
      svg.appendChild(svgEl("text", { x: cx, y: originY - 4, class: "label", "font-size": font, "text-anchor": "start",
        transform: "rotate(-60 " + cx + " " + (originY - 4) + ")" }, D.concepts[i]));
    }
    for (let a = 0; a < size; a++) {
      for (let p = 0; p < size; p++) {
        const value = options.scale(a, p);
        const color = value === null ? { css: "#eeeeee", light: true } : viridis(value);
        const rect = svgEl("rect", { x: originX + p * cell, y: originY + a * cell, width: cell - 1, height: cell - 1, fill: color.css,
          class: "cell", "data-actual": D.concepts[a], "data-predicted": D.concepts[p], tabindex: options.onClick ? "0" : "-1" });
        rect.appendChild(svgEl("title", {}, options.describe(a, p)));
        if (options.onClick) {
          rect.addEventListener("click", () => options.onClick(a, p));
          rect.addEventListener("keydown", (event) => { if (event.key === "Enter") options.onClick(a, p); });
        }
        svg.appendChild(rect);
        if (size <= 12 && options.text) {
          svg.appendChild(svgEl("text", { x: originX + p * cell + cell / 2, y: originY + a * cell + cell / 2 + 4, "text-anchor": "middle",
            class: color.light ? "cell-text on-light" : "cell-text on-dark" }, options.text(a, p)));
        }
      }
    }
    container.appendChild(svg);
  }

  const confusionSection = document.getElementById("confusion-section");
  const inputsBox = document.getElementById("cell-inputs");
  function showInputs(a, p) {
    inputsBox.textContent = "";
    inputsBox.appendChild(el("h3", {}, "Inputs labelled " + D.concepts[a] + ", by their score for " + D.concepts[p]));
    inputsBox.appendChild(el("p", { class: "note" }, D.inputsNote));
    const behind = D.inputs.filter((input) => input.truth.indexOf(a) >= 0)
      .sort((x, y) => y.scores[p] - x.scores[p]).slice(0, 20);
    if (!behind.length) {
      inputsBox.appendChild(el("p", { class: "empty" }, "No listed input is labelled " + D.concepts[a] + "."));
      return;
    }
    const list = el("table", { class: "inputs" });
    const header = el("tr");
    for (const name of ["input", "score for " + D.concepts[p], "score for " + D.concepts[a], "top concept"]) header.appendChild(el("th", { scope: "col" }, name));
    list.appendChild(header);
    for (const input of behind) {
      let top = 0;
      input.scores.forEach((s, i) => { if (s > input.scores[top]) top = i; });
      const tr = el("tr");
      tr.appendChild(el("td", {}, input.id));
      tr.appendChild(el("td", {}, fmt(input.scores[p])));
      tr.appendChild(el("td", {}, fmt(input.scores[a])));
      tr.appendChild(el("td", {}, D.concepts[top] + " " + fmt(input.scores[top])));
      list.appendChild(tr);
    }
    inputsBox.appendChild(list);
  }
  function drawConfusion(mode) {
    const values = D.confusionValues, counts = D.confusionCounts;
    if (mode === "count" && counts) {
      const rowTotals = counts.map((row) => row.reduce((s, v) => s + v, 0));
      heatmap(document.getElementById("confusion"), counts, {
        title: "Confusion matrix, counts of the top-scoring concept", rowsLabel: "Actual concept", columnsLabel: "Top-scoring concept",
        scale: (a, p) => rowTotals[a] ? counts[a][p] / rowTotals[a] : null,
        describe: (a, p) => "actual " + D.concepts[a] + ", top-scoring " + D.concepts[p] + ": " + counts[a][p] + " of " + rowTotals[a],
        text: (a, p) => String(counts[a][p]), onClick: showInputs });
    } else {
      heatmap(document.getElementById("confusion"), values, {
        title: "Confusion matrix, average probability", rowsLabel: "Actual concept", columnsLabel: "Predicted concept",
        scale: (a, p) => values[a][p],
        describe: (a, p) => "actual " + D.concepts[a] + ", predicted " + D.concepts[p] + ": average probability " + fmt(values[a][p], 3),
        text: (a, p) => values[a][p] === null ? "" : values[a][p].toFixed(2), onClick: showInputs });
    }
  }
  if (D.confusionValues) {
    const countsChoice = document.getElementById("cm-count");
    if (!D.confusionCounts) {
      countsChoice.disabled = true;
      countsChoice.parentNode.title = "This result has no counts (Clarifai's result holds the probabilities only).";
    }
    for (const radio of document.querySelectorAll("input[name=cm]")) radio.addEventListener("change", () => drawConfusion(radio.value));
    drawConfusion("prob");
  } else {
    confusionSection.hidden = true;
  }
  if (D.cooccurrence) {
    const co = D.cooccurrence;
    heatmap(document.getElementById("cooccurrence"), co, {
      title: "Co-occurrence of labels", rowsLabel: "Concept", columnsLabel: "Concept",
      scale: (a, p) => co[a][a] ? co[a][p] / co[a][a] : null,
      describe: (a, p) => co[a][p] + " inputs labelled both " + D.concepts[a] + " and " + D.concepts[p],
      text: (a, p) => String(co[a][p]) });
  } else {
    document.getElementById("cooccurrence-section").hidden = true;
  }

  // ---- ROC AUC per fold ----
  if (D.folds && D.folds.length > 1) {
    const svg = document.getElementById("folds");
    const rows = n > MAX_FOLD_ROWS ? worst.slice(0, MAX_FOLD_ROWS).sort((a, b) => a - b) : D.concepts.map((_, i) => i);
    if (n > MAX_FOLD_ROWS) document.getElementById("folds-note").textContent = "The " + MAX_FOLD_ROWS + " concepts with the lowest ROC AUC.";
    const all = [];
    for (const fold of D.folds) for (const i of rows) if (fold.rocAUC[i] !== null) all.push(fold.rocAUC[i]);
    // The axis starts a little below the lowest fold, so the spread fills the chart.
    const lowest = Math.min(...all, 1);
    const low = Math.max(0, Math.floor((lowest - Math.max(0.001, (1 - lowest) * 0.1)) * 1000) / 1000);
    const labelWidth = Math.min(160, 12 + 7 * Math.max(...rows.map((i) => D.concepts[i].length)));
    const rowHeight = 18, width = 640, top = 10, bottom = 40;
    const height = top + rows.length * rowHeight + bottom;
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("height", height);
    const x = (v) => labelWidth + (v - low) / (1 - low || 1) * (width - labelWidth - 16);
    for (let t = 0; t <= 4; t++) {
      const v = low + (1 - low) * t / 4;
      svg.appendChild(svgEl("line", { x1: x(v), x2: x(v), y1: top, y2: top + rows.length * rowHeight, class: "grid" }));
      svg.appendChild(svgEl("text", { x: x(v), y: top + rows.length * rowHeight + 14, class: "tick", "text-anchor": "middle" }, v.toFixed(3)));
    }
    svg.appendChild(svgEl("text", { x: (labelWidth + width) / 2, y: height - 6, class: "axis", "text-anchor": "middle" },
      "ROC AUC of each fold (dots) and their mean (bar)"));
    rows.forEach((i, r) => {
      const cy = top + r * rowHeight + rowHeight / 2;
      svg.appendChild(svgEl("text", { x: labelWidth - 6, y: cy + 4, class: "label", "text-anchor": "end" }, D.concepts[i]));
      const values = D.folds.map((f) => f.rocAUC[i]).filter((v) => v !== null);
      values.forEach((v) => {
        const dot = svgEl("circle", { cx: x(v), cy: cy, r: 3.5, class: "fold-dot" });
        dot.appendChild(svgEl("title", {}, D.concepts[i] + ": " + fmt(v)));
        svg.appendChild(dot);
      });
      const m = mean(values);
      if (m !== null) svg.appendChild(svgEl("line", { x1: x(m), x2: x(m), y1: cy - 7, y2: cy + 7, class: "fold-mean" }));
    });
  } else {
    document.getElementById("folds-section").hidden = true;
  }

  const notes = document.getElementById("notes");
  for (const text of D.notes) notes.appendChild(el("li", {}, text));
  if (!D.notes.length) document.getElementById("notes-section").hidden = true;

  slider.addEventListener("input", update);
  update();
  // When the page was drawn, in milliseconds since it started loading (for the browser test).
  window.crossfoldReportReady = performance.now();
})();
"""#
}
