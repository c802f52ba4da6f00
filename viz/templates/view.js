// kg views: builds the vis-network from the JSON data block of the page. Every string
// from the data reaches the page as JSON text or as canvas text, never as markup.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var container = document.getElementById("kg-network");
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.network = network;
  window.kgView = { view: data.view, nodes: data.expected.nodes, edges: data.expected.edges,
                    total: data.expected.total, capped: data.expected.capped, drawn: 0 };

  function drawPlane(ctx, plane) {
    var f = plane.frame;
    ctx.save();
    ctx.strokeStyle = "#999999";
    ctx.lineWidth = 1.5;
    ctx.strokeRect(f.left, f.top, f.right - f.left, f.bottom - f.top);
    ctx.setLineDash([10, 6]);
    ctx.strokeStyle = "#c0392b";
    if (f.x0 !== null) { ctx.beginPath(); ctx.moveTo(f.x0, f.top); ctx.lineTo(f.x0, f.bottom); ctx.stroke(); }
    if (f.y0 !== null) { ctx.beginPath(); ctx.moveTo(f.left, f.y0); ctx.lineTo(f.right, f.y0); ctx.stroke(); }
    ctx.setLineDash([]);
    ctx.fillStyle = "#b0b0b0";
    ctx.font = "bold " + plane.fontSize + "px sans-serif";
    plane.quadrants.forEach(function (q) {
      ctx.textAlign = q.align;
      ctx.textBaseline = q.baseline;
      ctx.fillText(q.text, q.x, q.y);
    });
    ctx.fillStyle = "#555555";
    ctx.font = Math.round(plane.fontSize * 0.65) + "px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillText(plane.xLabel, (f.left + f.right) / 2, f.bottom + plane.fontSize * 0.5);
    ctx.save();
    ctx.translate(f.left - plane.fontSize * 0.5, (f.top + f.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "bottom";
    ctx.fillText(plane.yLabel, 0, 0);
    ctx.restore();
    ctx.restore();
  }

  if (data.plane) {
    network.on("beforeDrawing", function (ctx) { drawPlane(ctx, data.plane); });
  }
  network.on("afterDrawing", function () {
    if (window.kgView.drawn === 0) { window.kgView.firstFrameAt = Math.round(performance.now()); }
    window.kgView.drawn += 1;
  });
  network.on("doubleClick", function (params) {
    // links are relative file names made by kg from ids, never taken from labels
    if (params.nodes.length && Object.prototype.hasOwnProperty.call(data.links, params.nodes[0])) {
      window.location.href = data.links[params.nodes[0]];
    }
  });
  network.fit({ animation: false });
})();
