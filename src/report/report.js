/* seloste report: heatmap (virtualised), filters and the document view.
   All document text is put into the page with textContent or text nodes, never as HTML. */
(function () {
  "use strict";
  var note = window.__selosteNote || function () {};
  var ROW = 20, OVERSCAN = 40;
  var SEV = ["error", "warning", "info"];
  var CELL_RANK = { r: 0, c: 1, i: 2, o: 3, "-": 4, p: 5 };
  var CELL_NAME = { p: "present", i: "present, with a gap", r: "missing, required", o: "missing, optional", c: "in conflict", "-": "no result" };
  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var rows = DATA.rows, fields = DATA.fields, rules = DATA.rules, msgs = DATA.msgs;
  var details = {};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function byId(id) { return document.getElementById(id); }

  // Per row: counts and the search key.
  rows.forEach(function (r, i) {
    r.i = i;
    r.ne = 0;
    r.nt = r.f.length;
    for (var k = 0; k < r.f.length; k++) if (r.f[k][2] === 0) r.ne++;
    r.key = (r.t + "\n" + r.c + "\n" + r.p).toLowerCase();
  });

  // Filter choices, sorted, with counts.
  function fillSelect(id, counts, label) {
    var sel = byId(id);
    Object.keys(counts).sort().forEach(function (v) {
      var o = el("option", null, (label ? label(v) : v) + " (" + counts[v] + ")");
      o.value = v;
      sel.appendChild(o);
    });
  }
  function countBy(fn) {
    var c = {};
    rows.forEach(function (r) { var v = fn(r); if (v) c[v] = (c[v] || 0) + 1; });
    return c;
  }
  var ruleCounts = {};
  rows.forEach(function (r) {
    var seen = {};
    r.f.forEach(function (f) { var n = rules[f[1]]; if (!seen[n]) { seen[n] = 1; ruleCounts[n] = (ruleCounts[n] || 0) + 1; } });
  });
  fillSelect("f-rule", ruleCounts);
  fillSelect("f-kind", countBy(function (r) { return r.k; }));
  fillSelect("f-lang", countBy(function (r) { return r.l; }));
  fillSelect("f-status", countBy(function (r) { return r.s; }));

  // Column headers.
  var head = byId("hm-head");
  head.appendChild(el("span", null, ""));
  head.appendChild(el("span", "hn", "notice"));
  var sortField = -1;
  fields.forEach(function (f, j) {
    var c = el("span", "col", f);
    c.title = "sort by " + f + " (missing and conflicting first)";
    c.addEventListener("click", function () {
      sortField = sortField === j ? -1 : j;
      Array.prototype.forEach.call(head.querySelectorAll(".col"), function (x, k) { x.classList.toggle("on", k === sortField); });
      update();
    });
    head.appendChild(c);
  });
  head.appendChild(el("span", "hn", "findings"));

  // The filtered, sorted view.
  var view = [];
  var hm = byId("hm"), space = byId("hm-space");
  var pool = [];
  var selected = -1;

  function current() {
    return {
      text: byId("f-text").value.trim().toLowerCase(),
      rule: byId("f-rule").value,
      sev: byId("f-sev").value,
      kind: byId("f-kind").value,
      lang: byId("f-lang").value,
      status: byId("f-status").value,
      sort: byId("f-sort").value
    };
  }

  function matches(r, q) {
    if (q.kind && r.k !== q.kind) return false;
    if (q.lang && r.l !== q.lang) return false;
    if (q.status && r.s !== q.status) return false;
    if (q.text && r.key.indexOf(q.text) < 0) return false;
    if (q.rule || q.sev) {
      var sev = q.sev === "" ? -1 : Number(q.sev);
      for (var k = 0; k < r.f.length; k++) {
        var f = r.f[k];
        if ((!q.rule || rules[f[1]] === q.rule) && (sev < 0 || f[2] === sev)) return true;
      }
      return false;
    }
    return true;
  }

  function update() {
    var q = current();
    view = rows.filter(function (r) { return matches(r, q); });
    if (sortField >= 0) {
      view.sort(function (a, b) {
        return CELL_RANK[a.x[sortField]] - CELL_RANK[b.x[sortField]] || b.ne - a.ne || b.nt - a.nt || a.i - b.i;
      });
    } else if (q.sort === "problems") {
      view.sort(function (a, b) { return b.ne - a.ne || b.nt - a.nt || a.i - b.i; });
    } else if (q.sort === "path") {
      view.sort(function (a, b) { return a.p < b.p ? -1 : a.p > b.p ? 1 : 0; });
    }
    byId("f-count").textContent = view.length + " of " + rows.length + " rows";
    space.style.height = view.length * ROW + "px";
    hm.scrollTop = 0;
    draw();
  }

  function makeRow() {
    var div = el("div", "hm-row");
    div.appendChild(el("span", "i"));
    var name = el("span", "name");
    name.appendChild(document.createTextNode(""));
    name.appendChild(el("small"));
    div.appendChild(name);
    for (var j = 0; j < fields.length; j++) div.appendChild(el("span", "cell"));
    div.appendChild(el("span", "n"));
    div.addEventListener("click", function () { location.hash = "#doc-" + div.getAttribute("data-row"); });
    space.appendChild(div);
    return div;
  }

  function fillRow(div, r, pos) {
    div.style.top = pos * ROW + "px";
    div.setAttribute("data-row", r.i);
    div.classList.toggle("sel", r.i === selected);
    var c = div.children;
    c[0].textContent = r.i + 1;
    c[1].firstChild.nodeValue = r.t || r.p;
    c[1].lastChild.textContent = r.t ? r.p : (r.c || "");
    c[1].title = r.p + (r.c ? "\n" + r.c : "") + (r.e ? "\n" + r.e : "");
    for (var j = 0; j < fields.length; j++) {
      var cell = c[2 + j], s = r.x[j];
      cell.className = "cell c-" + s;
      cell.title = fields[j] + ": " + CELL_NAME[s];
    }
    var n = c[2 + fields.length];
    n.textContent = "";
    if (r.ne) n.appendChild(el("b", null, r.ne + "E "));
    n.appendChild(document.createTextNode(String(r.nt)));
  }

  function draw() {
    var h = hm.clientHeight || 600;
    var first = Math.max(0, Math.floor(hm.scrollTop / ROW) - OVERSCAN);
    var last = Math.min(view.length, Math.ceil((hm.scrollTop + h) / ROW) + OVERSCAN);
    var need = last - first;
    while (pool.length < need) pool.push(makeRow());
    for (var k = 0; k < pool.length; k++) {
      if (k < need) {
        pool[k].style.display = "";
        fillRow(pool[k], view[first + k], first + k);
      } else {
        pool[k].style.display = "none";
      }
    }
  }

  var pending = false;
  hm.addEventListener("scroll", function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; draw(); });
  });
  window.addEventListener("resize", draw);
  byId("filters").addEventListener("input", update);
  byId("filters").addEventListener("change", update);
  byId("filters").addEventListener("submit", function (e) { e.preventDefault(); });
  byId("f-reset").addEventListener("click", function () { setTimeout(update, 0); });

  // Overview bars set a filter.
  Array.prototype.forEach.call(document.querySelectorAll(".bar[data-filter]"), function (b) {
    b.addEventListener("click", function () {
      var id = { rule: "f-rule", kind: "f-kind", lang: "f-lang", status: "f-status" }[b.getAttribute("data-filter")];
      if (!id) return;
      byId("filters").reset();
      byId(id).value = b.getAttribute("data-value");
      update();
      byId("heatmap").scrollIntoView();
    });
  });

  // One document.
  function detailOf(r) {
    if (r.d < 0) return null;
    if (!details[r.d]) details[r.d] = JSON.parse(byId("d" + r.d).textContent);
    return details[r.d];
  }

  function fmt(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (typeof v !== "object") return String(v);
    if (Array.isArray(v)) return v.map(fmt).join("; ");
    var parts = [];
    Object.keys(v).forEach(function (k) {
      if (k === "text" || k === "dpv") return;
      parts.push(k + ": " + fmt(v[k]));
    });
    if (v.text !== undefined) return v.text + (parts.length ? " (" + parts.join(", ") + ")" : "");
    return parts.join(", ");
  }

  function valueList(values) {
    var keys = Object.keys(values || {}).filter(function (k) { return k !== "dpv"; });
    if (!keys.length) return null;
    var ul = el("ul");
    keys.forEach(function (k) {
      var v = values[k];
      if (Array.isArray(v)) {
        v.forEach(function (x) { ul.appendChild(el("li", null, k + ": " + fmt(x))); });
      } else {
        ul.appendChild(el("li", null, k + ": " + fmt(v)));
      }
    });
    return ul;
  }

  function markedText(d, r, conflicts) {
    var text = d.text, n = text.length;
    var box = el("div", "text");
    var cuts = [0, n];
    d.sec.forEach(function (s) { cuts.push(s[0], s[1]); });
    d.ev.forEach(function (list) { list.forEach(function (e) { cuts.push(e[0], e[1]); }); });
    cuts = cuts.filter(function (x) { return x >= 0 && x <= n; }).sort(function (a, b) { return a - b; });
    var blocks = [], pos = 0;
    d.sec.slice().sort(function (a, b) { return a[0] - b[0]; }).forEach(function (s) {
      if (s[0] > pos) blocks.push([pos, s[0], null]);
      var a = Math.max(s[0], pos);
      if (s[1] > a) { blocks.push([a, s[1], s]); pos = s[1]; }
    });
    if (pos < n) blocks.push([pos, n, null]);
    blocks.forEach(function (b) {
      var s = b[2];
      var div = el("div", "sec");
      if (!s) div.classList.add("pre");
      else if (s[2] < 0) {
        div.classList.add("nofield");
        div.appendChild(el("span", "lab", "no field · " + (s[3] || "(no heading)")));
      } else {
        div.classList.add("f" + s[2]);
        div.appendChild(el("span", "lab", fields[s[2]] + " · " + (s[3] || "by content") + " · " + s[5] + " " + s[6]));
      }
      if (s && s[4] > 1) div.style.marginLeft = (s[4] - 1) * 16 + "px";
      for (var k = 0; k < cuts.length - 1; k++) {
        var a = cuts[k], z = cuts[k + 1];
        if (z <= b[0] || a >= b[1] || a === z) continue;
        a = Math.max(a, b[0]); z = Math.min(z, b[1]);
        var piece = text.slice(a, z), ev = [];
        d.ev.forEach(function (list, ci) {
          list.forEach(function (e) { if (e[0] <= a && z <= e[1] && e[0] < e[1]) ev.push(ci); });
        });
        if (ev.length) {
          var m = el("mark", "ev", piece);
          m.setAttribute("data-c", ev.join(" "));
          m.title = ev.map(function (ci) { return conflicts[ci] ? rules[conflicts[ci][1]] + ": " + msgs[conflicts[ci][3]] : ""; }).join("\n");
          div.appendChild(m);
        } else {
          div.appendChild(document.createTextNode(piece));
        }
      }
      box.appendChild(div);
    });
    return box;
  }

  function openDoc(i) {
    var r = rows[i];
    if (!r) return;
    selected = i;
    draw();
    var box = byId("doc");
    box.textContent = "";
    var h = el("div", "doc-head");
    h.appendChild(el("h3", null, r.t || r.p));
    var meta = el("div", "meta");
    [["row", i + 1], ["status", r.s], ["kind", r.k], ["language", r.l], ["controller", r.c]].forEach(function (m) {
      if (m[1] !== "" && m[1] !== undefined) meta.appendChild(el("span", null, m[0] + ": " + m[1]));
    });
    h.appendChild(meta);
    var src = el("div", "meta");
    src.appendChild(document.createTextNode("source: "));
    var a = el("a", null, r.p);
    a.setAttribute("href", r.u);
    src.appendChild(a);
    h.appendChild(src);
    if (r.e) h.appendChild(el("p", "note", r.e));
    box.appendChild(h);

    var conflicts = r.f.filter(function (f) { return f[0] === 1; });
    if (r.f.length) {
      var ul = el("ul", "findings");
      r.f.forEach(function (f) {
        var li = el("li");
        var tag = el("span", "sev-tag s" + f[2], (f[0] ? "conflict " : "gap ") + SEV[f[2]]);
        li.appendChild(tag);
        li.appendChild(el("span", "rule", rules[f[1]]));
        li.appendChild(el("span", "flds", f[4].map(function (j) { return fields[j]; }).join(", ")));
        li.appendChild(document.createTextNode(msgs[f[3]]));
        if (f[0] === 1) {
          var ci = conflicts.indexOf(f);
          var go = el("a", null, " → evidence");
          go.addEventListener("click", function () {
            var m = box.querySelector('mark.ev[data-c~="' + ci + '"]');
            if (m) { m.scrollIntoView({ block: "center" }); m.classList.add("flash"); setTimeout(function () { m.classList.remove("flash"); }, 1200); }
          });
          li.appendChild(go);
        }
        ul.appendChild(li);
      });
      box.appendChild(ul);
    } else if (r.s === "ok" || r.s === "skipped") {
      box.appendChild(el("p", "none", "No gaps or conflicts."));
    }

    var d = detailOf(r);
    if (!d) {
      if (r.s === "ok" || r.s === "skipped") {
        box.appendChild(el("p", "note", "Details are not embedded in this report (the run is over the embed limit): the findings and field states are shown."));
        var grid = el("div", "cellgrid");
        fields.forEach(function (f, j) {
          var s = el("span");
          s.appendChild(el("span", "cell c-" + r.x[j]));
          s.appendChild(document.createTextNode(" " + f + ": " + CELL_NAME[r.x[j]]));
          grid.appendChild(s);
        });
        box.appendChild(grid);
      }
      box.scrollIntoView();
      return;
    }
    if (d.note) box.appendChild(el("p", "note", d.note));
    if (d.warn.length) {
      var w = el("ul", "findings");
      d.warn.forEach(function (x) { w.appendChild(el("li", null, "warning " + x[0] + ": " + x[1])); });
      box.appendChild(w);
    }
    var body = el("div", "doc-body");
    var left = el("div");
    if (d.text !== null && d.text !== undefined) {
      left.appendChild(markedText(d, r, conflicts));
    } else {
      left.appendChild(el("p", "none", "Sections: " + d.sec.map(function (s) { return (s[3] || "(by content)") + " → " + (s[2] < 0 ? "no field" : fields[s[2]]); }).join("; ")));
    }
    body.appendChild(left);
    var dl = el("dl", "fields");
    d.fld.forEach(function (f) {
      var dt = el("dt", "f" + f[0], fields[f[0]]);
      dl.appendChild(dt);
      var dd = el("dd");
      dd.appendChild(el("div", "ftext", f[1]));
      var vl = valueList(f[2]);
      if (vl) dd.appendChild(vl);
      dl.appendChild(dd);
    });
    body.appendChild(dl);
    box.appendChild(body);
    box.scrollIntoView();
  }

  function fromHash() {
    var m = /^#doc-(\d+)$/.exec(location.hash);
    if (m) openDoc(Number(m[1]));
  }
  window.addEventListener("hashchange", fromHash);

  try {
    update();
    fromHash();
  } catch (e) {
    note(e && e.stack ? e.stack : e);
    throw e;
  }
  var ms = Math.round(performance.now());
  var b = document.body;
  b.setAttribute("data-rows", String(rows.length));
  b.setAttribute("data-rendered-rows", String(view.length));
  b.setAttribute("data-dom-rows", String(space.querySelectorAll(".hm-row:not([style*='display: none'])").length));
  b.setAttribute("data-render-ms", String(ms));
  console.log("seloste report: " + view.length + " rows rendered " + ms + " ms after navigation start");
})();
