// The network page's drawing: fetches /network.json (same origin), draws it with cytoscape
// (vendored, see VENDORED.md) and shows a clicked node's or edge's details. Every string
// from the data goes into the page as text (textContent), never as markup.
(function () {
  "use strict";

  var PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
                 "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f"];
  var KINDS = ["forward", "retweet", "quote", "reply", "mention", "link", "coadoption"];

  function colourOf(camp, camps) {
    if (camp === "(not watched)") { return "#bbbbbb"; }
    if (!(camp in camps)) { camps[camp] = PALETTE[Object.keys(camps).length % PALETTE.length]; }
    return camps[camp];
  }

  function element(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  function show(detail, title, rows, links) {
    detail.replaceChildren();
    var heading = element("h3", title, {dir: "auto"});
    detail.appendChild(heading);
    var list = element("dl");
    rows.forEach(function (row) {
      list.appendChild(element("dt", row[0]));
      list.appendChild(element("dd", row[1], {dir: "auto"}));
    });
    detail.appendChild(list);
    if (links && links.length) {
      detail.appendChild(element("p", "Evidence posts:"));
      var items = element("ul", null, {"class": "evidence"});
      links.forEach(function (postId) {
        var item = element("li");
        // Post ids are integers from the server; anything else is not linked.
        if (/^[0-9]+$/.test(String(postId))) {
          item.appendChild(element("a", "post #" + postId, {href: "/posts/" + postId}));
        }
        items.appendChild(item);
      });
      detail.appendChild(items);
    }
  }

  function draw(container, data) {
    var camps = {};
    var elements = [];
    data.nodes.forEach(function (n) {
      elements.push({group: "nodes", data: {
        id: n.id, label: n.label, camp: n.camp, role: n.role, actor: n.actor,
        community: n.community, posts: n.posts, cited_in: n.cited_in, cites_out: n.cites_out,
        camps_bridged: n.camps_bridged, colour: colourOf(n.camp, camps),
        size: 12 + Math.min(40, Math.sqrt(n.cited_in || 0) * 4)}});
    });
    data.edges.forEach(function (e) {
      var kinds = KINDS.filter(function (k) { return e[k] > 0; });
      elements.push({group: "edges", data: {
        id: e.id, source: e.source, target: e.target, weight: e.weight,
        width: 1 + Math.min(8, Math.log(1 + e.weight) * 1.5), kinds: kinds.join(", "),
        first_at: e.first_at, last_at: e.last_at, evidence: e.evidence}});
    });
    var cy = window.cytoscape({
      container: container,
      elements: elements,
      wheelSensitivity: 0.3,
      style: [
        {selector: "node", style: {
          "label": "data(label)", "background-color": "data(colour)", "width": "data(size)",
          "height": "data(size)", "font-size": 10, "color": "#222", "text-valign": "bottom",
          "text-margin-y": 2}},
        {selector: "edge", style: {
          "width": "data(width)", "line-color": "#999", "target-arrow-color": "#999",
          "target-arrow-shape": "triangle", "curve-style": "bezier", "opacity": 0.7}},
        {selector: ".faded", style: {"opacity": 0.1}},
        {selector: ":selected", style: {"line-color": "#000", "target-arrow-color": "#000",
                                        "border-width": 2, "border-color": "#000"}}
      ],
      layout: {name: "cose", animate: false, randomize: false, nodeRepulsion: 8000, padding: 30,
               idealEdgeLength: 80}
    });
    var detail = document.getElementById("network-detail");
    cy.on("tap", "node", function (event) {
      var d = event.target.data();
      show(detail, d.label, [["camp", d.camp], ["role", d.role], ["actor", d.actor || "—"],
                             ["community", d.community], ["posts in period", d.posts],
                             ["cited (weight)", d.cited_in], ["cites (weight)", d.cites_out],
                             ["other camps linked", d.camps_bridged]]);
    });
    cy.on("tap", "edge", function (event) {
      var d = event.target.data();
      show(detail, cy.getElementById(d.source).data("label") + " → " +
           cy.getElementById(d.target).data("label"),
           [["weight", d.weight], ["how", d.kinds], ["first", d.first_at], ["last", d.last_at]],
           d.evidence);
    });
    var find = document.getElementById("network-find");
    if (find) {
      find.addEventListener("input", function () {
        var needle = find.value.trim().toLowerCase();
        cy.elements().removeClass("faded");
        if (!needle) { return; }
        var hits = cy.nodes().filter(function (n) {
          return String(n.data("label")).toLowerCase().indexOf(needle) >= 0 ||
                 String(n.data("camp")).toLowerCase().indexOf(needle) >= 0;
        });
        cy.elements().not(hits.closedNeighborhood()).addClass("faded");
      });
    }
    window.chorusNetwork = cy;  // for the browser tests and the curious
    container.setAttribute("data-ready", String(data.nodes.length));
  }

  function start() {
    var container = document.getElementById("network");
    if (!container || typeof window.cytoscape !== "function") { return; }
    fetch(container.getAttribute("data-src"), {credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { throw new Error("the graph could not be loaded (" + response.status + ")"); }
        return response.json();
      })
      .then(function (data) {
        if (!data.nodes.length) {
          container.appendChild(element("p", "Nothing to draw in this period.", {"class": "muted"}));
          container.setAttribute("data-ready", "0");
          return;
        }
        if (data.total_edges > data.edges.length) {
          container.parentNode.insertBefore(element("p", "Drawn: the " + data.edges.length +
            " strongest of " + data.total_edges + " edges (the export has them all).",
            {"class": "muted"}), container);
        }
        draw(container, data);
      })
      .catch(function (error) {
        container.appendChild(element("p", String(error.message || error), {"class": "errors"}));
        container.setAttribute("data-ready", "error");
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
