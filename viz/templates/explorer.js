// kg entity explorer: one view per entity, chosen by the URL fragment (entities.html#<id>).
// The graph, each entity's neighbourhood with precomputed positions and its facts come from
// the JSON data block; nothing here is random. Strings from the data reach the page only as
// textContent, attribute-free DOM nodes or canvas text, never as markup.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var own = Object.prototype.hasOwnProperty;
  var text = data.text;
  var table = data.nodes;
  var incident = table.map(function () { return []; });
  data.edges.forEach(function (e, i) {
    incident[e[0]].push(i);
    if (e[1] !== e[0]) { incident[e[1]].push(i); }
  });
  var hasView = function (key) { return key !== null && own.call(data.views, key); };

  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: new vis.DataSet([]), edges: new vis.DataSet([]) },
                                data.options);
  window.network = network;
  window.kgView = { view: "entity", entity: null, nodes: 0, edges: 0, total: 0, capped: false, drawn: 0,
                    hops: data.hops };
  var baseTitle = document.title;

  function el(tag, content, cls) {
    var node = document.createElement(tag);
    if (content !== undefined && content !== null) { node.textContent = String(content); }
    if (cls) { node.className = cls; }
    return node;
  }

  function fill(template, values) {
    // a function replacement, so "$&" and friends in values stay literal
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return own.call(values, name) ? String(values[name]) : whole;
    });
  }

  function hrefOf(key) { return "#" + encodeURIComponent(key); }

  function go(key) {
    if (current() === key) { show(key); } else { window.location.hash = hrefOf(key); }
  }

  function current() {
    var raw = window.location.hash.replace(/^#/, "");
    if (!raw) { return null; }
    try { return decodeURIComponent(raw); } catch (err) { return raw; }
  }

  // ------------------------------------------------------------------ the drawing

  function records(key) {
    var view = data.views[key];
    var inView = Object.create(null);
    view.nodes.forEach(function (p) { inView[p[0]] = true; });
    var nodes = view.nodes.map(function (p) {
      var n = table[p[0]];
      var centre = n.id === key;
      return { id: n.id, label: n.label, title: n.title, color: n.color, x: p[1], y: p[2],
               size: centre ? 28 : 14, borderWidth: centre ? 4 : 1, font: { size: centre ? 18 : 14 } };
    });
    var picked = Object.create(null);
    var order = [];
    view.nodes.forEach(function (p) {
      incident[p[0]].forEach(function (i) {
        var e = data.edges[i];
        if (!picked[i] && inView[e[0]] && inView[e[1]]) { picked[i] = true; order.push(i); }
      });
    });
    order.sort(function (a, b) { return a - b; });
    var edges = order.map(function (i) {
      var e = data.edges[i], a = table[e[0]], b = table[e[1]], rel = data.relations[e[2]];
      var title = a.label + " → " + rel[0] + " → " + b.label;
      if (e[4]) { title += "\n" + text.sections + ": " + e[4]; }
      return { id: a.id + "|" + e[3] + "|" + b.id, from: a.id, to: b.id, title: title, label: rel[0],
               color: rel[1], dashes: rel[2], width: 1.3 };
    });
    return { nodes: nodes, edges: edges, total: view.total, types: view.nodes.map(function (p) {
      return table[p[0]].type; }), relations: order.map(function (i) { return data.edges[i][2]; }) };
  }

  // ------------------------------------------------------------------ the side panel

  function section(parent, heading, rows, render) {
    if (!rows.length) { return; }
    parent.appendChild(el("h2", heading));
    var ul = el("ul");
    rows.forEach(function (row) { ul.appendChild(render(row)); });
    parent.appendChild(ul);
  }

  function plainItem(row) { return el("li", row); }

  function factItem(row) {
    // [arrow, relation, other entity id, its label, sections]
    var li = el("li", row[0] + " " + row[1] + " ");
    if (hasView(row[2])) {
      var a = el("a", row[3]);
      a.href = hrefOf(row[2]);
      li.appendChild(a);
    } else {
      li.appendChild(document.createTextNode(row[3]));
    }
    if (row[4]) {
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "[" + row[4] + "]", "muted"));
    }
    return li;
  }

  function fillPanel(key, drawn) {
    var panel = document.getElementById("kg-panel");
    var notes = document.getElementById("kg-notes");
    var legend = document.getElementById("kg-legend");
    panel.replaceChildren();
    notes.replaceChildren();
    legend.replaceChildren();
    if (key === null) { return; }
    var p = data.panels[key];
    notes.appendChild(el("p", text.hops, "note"));
    if (drawn.nodes.length < drawn.total) {
      notes.appendChild(el("p", fill(text["capped.entity"], { shown: drawn.nodes.length, total: drawn.total,
                                                               hops: data.hops }), "note"));
    }
    panel.appendChild(el("h2", p.heading));
    panel.appendChild(el("p", p.sub, "muted"));
    p.desc.forEach(function (d) { panel.appendChild(el("p", d[0], d[1] ? "muted" : "")); });
    if (p.figure) {
      var para = el("p");
      para.appendChild(el("strong", p.figure));
      panel.appendChild(para);
    }
    section(panel, text.sections, p.sections, plainItem);
    section(panel, text.figures, p.figures, plainItem);
    section(panel, text.facts, p.facts, factItem);
    section(panel, text.scores, p.scores, plainItem);
    // the legend of what is drawn: entity types, then relations
    var seenTypes = Object.create(null), seenRels = Object.create(null);
    drawn.types.forEach(function (t) { seenTypes[t] = true; });
    drawn.relations.forEach(function (r) { seenRels[r] = true; });
    var swatch = function (colour, kind) {
      var s = el("span", null, kind === "node" ? "swatch" : kind === "dashed" ? "swatch line dashed" : "swatch line");
      s.style.background = colour;
      s.style.color = colour;
      return s;
    };
    var typeRows = data.types.map(function (t, i) { return [i, t]; })
      .filter(function (r) { return seenTypes[r[0]]; });
    var relRows = data.relations.map(function (r, i) { return [i, r]; })
      .filter(function (r) { return seenRels[r[0]]; });
    if (typeRows.length || relRows.length) {
      legend.appendChild(el("h2", text.types));
      var ul = el("ul", null, "legend");
      typeRows.forEach(function (r) {
        var li = el("li");
        li.appendChild(swatch(r[1][1], "node"));
        li.appendChild(document.createTextNode(r[1][0]));
        ul.appendChild(li);
      });
      relRows.forEach(function (r) {
        var li = el("li");
        li.appendChild(swatch(r[1][1], r[1][2] ? "dashed" : "line"));
        li.appendChild(document.createTextNode(r[1][0]));
        ul.appendChild(li);
      });
      legend.appendChild(ul);
    }
  }

  // ------------------------------------------------------------------ showing an entity

  function show(key) {
    var known = hasView(key);
    var drawn = known ? records(key) : { nodes: [], edges: [], total: 0, types: [], relations: [] };
    network.setData({ nodes: new vis.DataSet(drawn.nodes), edges: new vis.DataSet(drawn.edges) });
    window.kgView = { view: "entity", entity: known ? key : null, nodes: drawn.nodes.length,
                      edges: drawn.edges.length, total: drawn.total, capped: drawn.nodes.length < drawn.total,
                      drawn: 0, hops: data.hops };
    var message = document.getElementById("kg-message");
    if (known) {
      message.hidden = true;
      message.textContent = "";
      document.title = data.panels[key].title + " — " + baseTitle;
    } else {
      message.hidden = false;
      message.textContent = key === null ? text.choose : fill(text.unknown, { id: key });
      document.title = baseTitle;
    }
    fillPanel(known ? key : null, drawn);
    var list = document.getElementById("kg-list");
    list.value = known ? key : "";
    network.fit({ animation: false });
    network.redraw();
  }

  network.on("afterDrawing", function () {
    var v = window.kgView;
    if (v.drawn === 0 && v.firstFrameAt === undefined) { v.firstFrameAt = Math.round(performance.now()); }
    v.drawn += 1;
  });
  network.on("doubleClick", function (params) {
    if (params.nodes.length && hasView(params.nodes[0]) && params.nodes[0] !== current()) { go(params.nodes[0]); }
  });

  // ------------------------------------------------------------------ the search box and list

  var search = document.getElementById("kg-search");
  var list = document.getElementById("kg-list");
  var matches = document.getElementById("kg-matches");

  function filterList() {
    var q = search.value.trim().toLocaleLowerCase();
    var shown = 0;
    var options = [];
    data.list.forEach(function (i) {
      var n = table[i];
      if (q && n.label.toLocaleLowerCase().indexOf(q) < 0 && n.alt.toLocaleLowerCase().indexOf(q) < 0 &&
          n.id.toLocaleLowerCase().indexOf(q) < 0) { return; }
      var option = el("option", n.label + " · " + data.types[n.type][0]);
      option.value = n.id;
      options.push(option);
      shown += 1;
    });
    var fragment = document.createDocumentFragment();
    options.forEach(function (option) { fragment.appendChild(option); });
    list.replaceChildren(fragment);
    var key = current();
    list.value = hasView(key) ? key : "";
    matches.textContent = fill(text.matches, { shown: shown, total: data.list.length });
  }

  search.addEventListener("input", filterList);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && list.options.length) {
      event.preventDefault();
      go(list.options[0].value);
    }
  });
  list.addEventListener("change", function () { if (list.value) { go(list.value); } });
  list.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && list.value) { go(list.value); }
  });
  window.addEventListener("hashchange", function () { show(current()); });

  filterList();
  show(current());
})();
