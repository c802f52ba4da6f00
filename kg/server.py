"""``kg serve``: the SPARQL 1.1 Protocol query operation over HTTP, plus views and a query page.

* ``GET /sparql?query=…``, ``POST /sparql`` with a URL-encoded form or with
  ``application/sparql-query``; ``default-graph-uri`` and ``named-graph-uri``;
  content negotiation (SPARQL JSON, XML, CSV, TSV; Turtle, JSON-LD, N-Triples).
* Status codes: 400 malformed query (with the parser's message), 403 update refused,
  404, 405 (with ``Allow``), 406, 413 request too large, 415, 503 time limit.
* Safe by default: binds 127.0.0.1; updates refused unless ``allow_update``; every query
  runs in a forked child process that is killed at the time limit, so a runaway query
  never takes the server down; results past ``max_rows`` are refused.
* ``/`` is an offline query page with the named queries as examples; ``/views/`` serves the
  HTML views when they have been built; ``/queries`` lists the named queries as JSON.
"""

from __future__ import annotations

import html
import json
import multiprocessing
import os
import posixpath
import traceback
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .errors import KgError
from .results import MEDIA_TYPES, render
from .sparql import QueryError, is_update, named_queries, prepare, query_form

__all__ = ["SparqlServer", "serve"]

RESULT_TYPES = {  # media type → format, in the server's order of preference
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
}

# ``format=`` values other servers and clients use (SPARQLWrapper sends format=n3 / turtle / json)
FORMAT_ALIASES = {"n3": "turtle", "ttl": "turtle", "text/turtle": "turtle", "nt": "ntriples",
                  "n-triples": "ntriples", "json-ld": "jsonld", "sparql-results+json": "json",
                  "srj": "json", "srx": "xml", "sparql-results+xml": "xml"}


class HttpError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def negotiate(accept: str | None, offers: dict[str, str]) -> str | None:
    """The format of the best offer for an Accept header (q-values, wildcards); None if none fits."""
    if not accept:
        return next(iter(offers.values()))
    ranges = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((q, -i, media))
    best = None
    for media_type, fmt in offers.items():
        main = media_type.split("/")[0]
        for q, order, media in ranges:
            if q > 0 and (media == media_type or media == "*/*" or media == f"{main}/*"):
                specificity = 2 if media == media_type else 1 if media.endswith("/*") and media != "*/*" else 0
                key = (q, specificity, order, -list(offers).index(media_type))
                if best is None or key > best[0]:
                    best = (key, fmt)
                break
    return best[1] if best else None


def _run_in_child(conn, backend, text, fmt, max_rows, default_graphs, named_graphs):
    """Body of the forked child: run, render, send (status, content_type, bytes) back."""
    try:
        if default_graphs or named_graphs:  # the dataset the request describes
            result = backend.query(text, default_graphs=default_graphs, named_graphs=named_graphs)
        else:
            result = backend.query(text)
        size = 0 if result.form == "ASK" else len(result)
        if size > max_rows:
            conn.send((400, "text/plain; charset=utf-8",
                       f"the result has {size} rows, more than this server's limit of {max_rows}; "
                       "add a LIMIT or ask the server's operator to raise --max-rows".encode()))
        else:
            conn.send((200, MEDIA_TYPES[fmt], render(result, fmt).encode("utf-8")))
    except QueryError as exc:
        conn.send((400, "text/plain; charset=utf-8", str(exc).encode()))
    except Exception as exc:  # a query error surfacing at evaluation time
        conn.send((400, "text/plain; charset=utf-8", f"query failed: {type(exc).__name__}: {exc}".encode()))
    finally:
        conn.close()
        os._exit(0)


class SparqlServer(ThreadingHTTPServer):
    """A threading HTTP server holding one backend and the limits."""

    daemon_threads = True

    def __init__(self, address, backend, *, timeout: float = 10.0, max_rows: int = 100_000,
                 max_request: int = 1_000_000, allow_update: bool = False, views_dir: Path | None = None,
                 quiet: bool = True):
        super().__init__(address, Handler)
        self.backend = backend
        self.timeout_s = timeout
        self.max_rows = max_rows
        self.max_request = max_request
        self.allow_update = allow_update
        self.views_dir = Path(views_dir) if views_dir else None
        self.quiet = quiet
        self._fork = multiprocessing.get_context("fork")
        self.update_lock = __import__("threading").Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def execute(self, text: str, fmt: str, default_graphs, named_graphs) -> tuple[int, str, bytes]:
        parent, child = self._fork.Pipe(duplex=False)
        proc = self._fork.Process(target=_run_in_child, daemon=True,
                                  args=(child, self.backend, text, fmt, self.max_rows, default_graphs, named_graphs))
        from . import sparql

        with sparql.PARSE_LOCK:  # no thread is inside the parser when the child is made
            proc.start()
        child.close()
        try:
            if parent.poll(self.timeout_s):
                try:
                    return parent.recv()
                except EOFError:
                    return 500, "text/plain; charset=utf-8", b"the query process ended without an answer"
            raise HttpError(503, f"the query ran longer than this server's limit of {self.timeout_s:g} s "
                                 "and was stopped")
        finally:
            parent.close()
            if proc.is_alive():
                proc.kill()
            proc.join(1)


class Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "kg-sparql"

    # ------------------------------------------------------------------ plumbing

    def log_message(self, format, *args):  # noqa: A002
        if not self.server.quiet:
            super().log_message(format, *args)

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, exc: HttpError):
        body = (exc.message.rstrip("\n") + "\n").encode("utf-8")
        self._send(exc.status, body, "text/plain; charset=utf-8", exc.headers)

    def _dispatch(self, method: str):
        try:
            url = urllib.parse.urlsplit(self.path)
            path = url.path
            if path in ("/sparql", "/query"):
                if method not in ("GET", "POST"):
                    raise HttpError(405, f"{method} is not allowed here; use GET or POST", {"Allow": "GET, POST"})
                self._sparql(method, url)
            elif path == "/update":
                if method != "POST":
                    raise HttpError(405, "use POST for updates", {"Allow": "POST"})
                self._update()
            elif method not in ("GET", "HEAD"):
                raise HttpError(405, f"{method} is not allowed here", {"Allow": "GET, HEAD"})
            elif path == "/":
                self._send(200, query_page().encode("utf-8"), "text/html; charset=utf-8")
            elif path == "/queries":
                self._send(200, json.dumps(_queries_json(), ensure_ascii=False).encode("utf-8"), "application/json")
            elif path == "/views" or path.startswith("/views/"):
                self._static(path[len("/views"):])
            else:
                raise HttpError(404, f"nothing at {path}; try / (query page), /sparql, /views/")
        except HttpError as exc:
            self._error(exc)
        except Exception:  # never let one request take the server down
            traceback.print_exc()
            self._error(HttpError(500, "internal error"))

    def do_GET(self):  # noqa: N802
        self._dispatch("GET")

    def do_HEAD(self):  # noqa: N802
        self._dispatch("HEAD")

    def do_POST(self):  # noqa: N802
        self._dispatch("POST")

    def do_PUT(self):  # noqa: N802
        self._drain()
        self._dispatch("PUT")

    def do_DELETE(self):  # noqa: N802
        self._dispatch("DELETE")

    def do_PATCH(self):  # noqa: N802
        self._drain()
        self._dispatch("PATCH")

    def _drain(self):
        length = int(self.headers.get("Content-Length") or 0)
        if 0 < length <= self.server.max_request:
            self.rfile.read(length)
        elif length:
            self.close_connection = True

    def _body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise HttpError(400, "bad Content-Length") from None
        if length > self.server.max_request:
            self.close_connection = True
            raise HttpError(413, f"request body of {length} bytes exceeds this server's limit of "
                                 f"{self.server.max_request} bytes")
        return self.rfile.read(length) if length else b""

    # ------------------------------------------------------------------ SPARQL protocol

    def _sparql(self, method: str, url):
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if len(url.query) > self.server.max_request:
            raise HttpError(413, "query string too long")
        if method == "POST":
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            body = self._body()
            if ctype == "application/x-www-form-urlencoded":
                form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
                if "update" in form:
                    raise HttpError(403 if not self.server.allow_update else 400,
                                    "updates are disabled on this server (start it with --allow-update)"
                                    if not self.server.allow_update else "updates go to /update")
                for k, v in form.items():
                    params.setdefault(k, []).extend(v)
            elif ctype == "application/sparql-query":
                params.setdefault("query", []).append(body.decode("utf-8", "replace"))
            elif ctype == "application/sparql-update":
                raise HttpError(403, "updates are disabled on this server (start it with --allow-update)")
            else:
                raise HttpError(415, f"unsupported Content-Type '{ctype or '(none)'}'; send "
                                     "application/x-www-form-urlencoded or application/sparql-query")
        queries = params.get("query", [])
        if len(queries) != 1:
            raise HttpError(400, "exactly one 'query' parameter is required" if not queries
                            else "more than one 'query' parameter")
        text = queries[0]
        try:
            prepare(text)
        except QueryError as exc:
            if is_update(text):
                raise HttpError(400, "this is an update, not a query; send it to /update") from None
            raise HttpError(400, str(exc)) from None
        form = query_form(text)
        offers = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
        fmt = params.get("format", [None])[0]
        if fmt is None:
            fmt = negotiate(self.headers.get("Accept"), offers)
            if fmt is None:
                raise HttpError(406, f"cannot produce any of: {self.headers.get('Accept')}; a {form} query "
                                     f"can answer as {', '.join(offers)}")
        else:
            fmt = FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
            if fmt == "json" and offers is GRAPH_TYPES:  # SPARQLWrapper asks 'json' for any form
                fmt = "jsonld"
        if fmt not in offers.values():
            raise HttpError(406, f"format '{fmt}' does not fit a {form} query")
        status, ctype, body = self.server.execute(
            text, fmt, params.get("default-graph-uri", []), params.get("named-graph-uri", []))
        self._send(status, body, ctype, {"Vary": "Accept"})

    def _update(self):
        if not self.server.allow_update:
            self._drain()
            raise HttpError(403, "updates are disabled on this server (start it with --allow-update)")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        body = self._body().decode("utf-8", "replace")
        if ctype == "application/x-www-form-urlencoded":
            text = urllib.parse.parse_qs(body).get("update", [""])[0]
        elif ctype == "application/sparql-update":
            text = body
        else:
            raise HttpError(415, "send application/sparql-update or a form with 'update'")
        if not is_update(text):
            raise HttpError(400, "not a valid SPARQL 1.1 update")
        # updates change the served graph, so they run in this process (serialised), not a child
        with self.server.update_lock:
            self.server.backend.update(text)
        self._send(204, b"", "text/plain")

    # ------------------------------------------------------------------ static views

    def _static(self, rel: str):
        root = self.server.views_dir
        if root is None or not root.is_dir():
            raise HttpError(404, "no views have been built; run `kg viz` first")
        rel = posixpath.normpath(urllib.parse.unquote(rel)).lstrip("/")
        target = (root / rel).resolve() if rel not in ("", ".") else root.resolve() / "index.html"
        if root.resolve() not in target.parents and target != root.resolve() / "index.html":
            raise HttpError(404, "not found")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            raise HttpError(404, f"no view {rel}")
        types = {".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
                 ".json": "application/json", ".png": "image/png", ".svg": "image/svg+xml"}
        self._send(200, target.read_bytes(), types.get(target.suffix, "application/octet-stream"))


def _queries_json() -> list[dict]:
    return [{"name": q.name, "title": q.title, "question": q.question, "form": q.form, "text": q.text,
             "params": [{"name": p.name, "default": p.default, "description": p.description} for p in q.params]}
            for q in named_queries().values()]


def query_page() -> str:
    """A self-contained HTML page (no external requests) to run queries, with examples."""
    examples = json.dumps(_queries_json(), ensure_ascii=False).replace("</", "<\\/")
    options = "\n".join(
        f'<option value="{html.escape(q["name"])}">{html.escape(q["name"])} — {html.escape(q["title"])}</option>'
        for q in _queries_json())
    return _PAGE.replace("{{OPTIONS}}", options).replace("{{EXAMPLES}}", examples)


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;max-width:1200px}
textarea{width:100%;height:16em;font:13px ui-monospace,monospace}
table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
#question{color:#555;margin:.5em 0}#status{margin-top:.5em;color:#a00}
</style></head><body>
<h1>kg SPARQL endpoint</h1>
<p>Endpoint: <code>/sparql</code> (SPARQL 1.1 Protocol, GET or POST). Views: <a href="/views/">/views/</a>.</p>
<label>Example: <select id="examples"><option value="">— choose a named query —</option>
{{OPTIONS}}
</select></label>
<div id="question"></div>
<textarea id="query">SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10</textarea>
<p><button id="run">Run</button> <span id="status"></span></p>
<div id="out"></div>
<script>
const EXAMPLES = {{EXAMPLES}};
const byName = Object.fromEntries(EXAMPLES.map(q => [q.name, q]));
document.getElementById('examples').addEventListener('change', e => {
  const q = byName[e.target.value]; if (!q) return;
  let text = q.text;
  const binds = q.params.filter(p => p.default !== null);
  if (binds.length) {
    text = text.replace(/WHERE\\s*\\{/i, m => m + ' VALUES (' + binds.map(p => '?' + p.name).join(' ') + ') { (' + binds.map(p => p.default).join(' ') + ') }');
  }
  document.getElementById('query').value = text;
  document.getElementById('question').textContent = q.question +
    (q.params.some(p => p.default === null) ? ' (bind the required parameters: ' + q.params.filter(p => p.default === null).map(p => p.name).join(', ') + ')' : '');
});
document.getElementById('run').addEventListener('click', async () => {
  const status = document.getElementById('status'), out = document.getElementById('out');
  status.textContent = 'running…'; out.textContent = '';
  const resp = await fetch('/sparql', {method: 'POST', headers: {'Content-Type': 'application/sparql-query',
      'Accept': 'application/sparql-results+json, text/turtle;q=0.9'}, body: document.getElementById('query').value});
  const type = resp.headers.get('Content-Type') || '';
  if (!resp.ok) { status.textContent = resp.status + ': ' + await resp.text(); return; }
  status.textContent = '';
  if (!type.includes('json')) { const pre = document.createElement('pre'); pre.textContent = await resp.text(); out.appendChild(pre); return; }
  const doc = await resp.json();
  if ('boolean' in doc) { out.textContent = String(doc.boolean); return; }
  const table = document.createElement('table'), head = table.insertRow();
  for (const v of doc.head.vars) { const th = document.createElement('th'); th.textContent = v; head.appendChild(th); }
  for (const b of doc.results.bindings) { const row = table.insertRow();
    for (const v of doc.head.vars) row.insertCell().textContent = b[v] ? b[v].value : ''; }
  out.appendChild(table);
  const n = document.createElement('p'); n.textContent = doc.results.bindings.length + ' rows'; out.appendChild(n);
});
</script></body></html>
"""


def serve(backend, host: str = "127.0.0.1", port: int = 8765, **options) -> SparqlServer:
    """Create the server (not yet serving); call ``serve_forever()`` on it."""
    try:
        return SparqlServer((host, port), backend, **options)
    except OSError as exc:
        raise KgError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
