// The query page's SPARQL editor: the query kept in the URL, answers from /sparql as a table. (The questions of the
// catalogue are answered by the server: the page's forms work without this script.)
// Plain DOM code, no library: every value is written with textContent, never as HTML.
"use strict";

(function () {
  const prefixes = JSON.parse(document.getElementById("prefixes-data").textContent);
  const form = document.getElementById("query-form");
  const editor = document.getElementById("query");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const share = document.getElementById("share");
  const endpoint = new URL("sparql", document.baseURI);
  // IRIs of the graph link to this server's own pages, so a click dereferences them here.
  const ownBase = "https://w3id.org/jp-plan-kg/";

  const english = document.documentElement.lang === "en";

  function pageUrl(query) {
    const url = new URL(window.location.href);
    url.search = "";
    url.hash = "editor";
    url.searchParams.set("query", query);
    if (english) url.searchParams.set("lang", "en");
    return url;
  }

  function downloadUrl(query, format) {
    const url = new URL(endpoint);
    url.searchParams.set("query", query);
    url.searchParams.set("format", format);
    // A file to save: named, and CSV/TSV with the byte-order mark Excel needs to read the Japanese.
    url.searchParams.set("download", "1");
    return url.href;
  }

  function remember(query, inAddressBar) {
    const url = pageUrl(query);
    if (inAddressBar) window.history.replaceState(null, "", url);
    share.href = url.href;
    for (const format of ["csv", "tsv", "json"]) {
      document.getElementById("download-" + format).href = downloadUrl(query, format);
    }
  }

  function compact(iri) {
    for (const [name, ns] of Object.entries(prefixes)) {
      if (iri.startsWith(ns) && iri.length > ns.length) return name + ":" + iri.slice(ns.length);
    }
    return "<" + iri + ">";
  }

  // Only http(s) URLs become links: javascript:, data: and the like are shown as text.
  function httpHref(text, base) {
    try {
      const url = base === undefined ? new URL(text) : new URL(text, base);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.textContent = compact(term.value);
      a.title = term.value;
      // An IRI of our namespace opens on this server. Its rest can itself be an absolute URL of another scheme
      // (<https://w3id.org/jp-plan-kg/javascript:…>), so the resolved target is checked, as any other IRI is.
      const href = term.value.startsWith(ownBase)
        ? httpHref(term.value.slice(ownBase.length), document.baseURI)
        : httpHref(term.value);
      if (href) a.href = href;
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.lang = term["xml:lang"];
      if (term.datatype) td.title = term.datatype;
    }
    return td;
  }

  function showTable(data) {
    const vars = data.head.vars || [];
    const rows = data.results.bindings;
    const table = document.createElement("table");
    table.className = "answer";
    const headRow = table.createTHead().insertRow();
    for (const name of vars) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      headRow.appendChild(th);
    }
    const body = table.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      for (const name of vars) tr.appendChild(cell(row[name]));
    }
    results.replaceChildren(table);
    return english ? rows.length + (rows.length === 1 ? " row" : " rows") : rows.length + " 件";
  }

  async function run() {
    const query = editor.value;
    remember(query, true);
    status.textContent = english ? "running…" : "実行中…";
    status.className = "";
    const started = performance.now();
    let response;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: new URLSearchParams({ query: query }),
      });
    } catch (error) {
      status.textContent = (english ? "the server did not answer: " : "サーバーに届きません: ") + error;
      status.className = "error";
      return;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      results.replaceChildren();
      status.textContent = (english ? "error " : "エラー ") + response.status + ": " + (await response.text());
      status.className = "error";
      return;
    }
    if (type.startsWith("application/sparql-results+json")) {
      const data = await response.json();
      if ("boolean" in data) {
        results.replaceChildren();
        status.textContent = "ASK: " + data.boolean + " (" + seconds + " s)";
      } else {
        status.textContent = showTable(data) + " (" + seconds + " s)";
      }
    } else {
      const pre = document.createElement("pre");
      pre.className = "graph";
      pre.textContent = await response.text();
      results.replaceChildren(pre);
      status.textContent = "graph (" + type.split(";")[0] + ", " + seconds + " s)";
    }
    status.className = "ok";
  }

  document.getElementById("add-prefixes").addEventListener("click", function () {
    const declared = new Set();
    for (const match of editor.value.matchAll(/PREFIX\s+([A-Za-z0-9_-]*):/gi)) declared.add(match[1]);
    const missing = Object.entries(prefixes).filter(function (entry) { return !declared.has(entry[0]); });
    const lines = missing.map(function (entry) { return "PREFIX " + entry[0] + ": <" + entry[1] + ">"; });
    if (lines.length) editor.value = lines.join("\n") + "\n" + editor.value;
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });

  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });

  // A shared link (?query=…) opens with its query in the editor, and runs it.
  const shared = new URL(window.location.href).searchParams.get("query");
  if (shared) {
    editor.value = shared;
    run();
  } else {
    remember(editor.value, false);
  }
})();
