// Asks yaml-language-server (the language server behind VS Code's YAML extension by
// Red Hat) what an editor would show for YAML files that name their schema with a
// `# yaml-language-server: $schema=…` line: its diagnostics, and optionally the
// completions and hover text at given positions. Used by tests/schema.rs.
//
//   node scripts/yaml-ls/check.mjs REQUEST.json   # prints the answers as JSON
//
// REQUEST: {"files": ["/abs/a.yaml", …],
//           "complete": [{"file": "/abs/a.yaml", "line": 0, "character": 0}, …],
//           "hover": [{"file": …, "line": …, "character": …}, …]}
// Lines and characters count from 0, as in the Language Server Protocol.
// Answer: {"diagnostics": {file: [{line, character, severity, message}]},
//          "complete": [[{label, documentation}]], "hover": [text]}
//
// The server runs from scripts/yaml-ls/node_modules (scripts/install-test-tools installs
// the version pinned in package-lock.json). The schema store is off: nothing is fetched.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const request = JSON.parse(readFileSync(process.argv[2], "utf8"));
const server = spawn(
  process.execPath,
  [join(here, "node_modules/yaml-language-server/bin/yaml-language-server"), "--stdio"],
  { stdio: ["pipe", "pipe", "inherit"] },
);

const settings = {
  yaml: {
    validate: true,
    hover: true,
    completion: true,
    format: { enable: false },
    schemaStore: { enable: false },
    schemas: {},
  },
};

let buffer = Buffer.alloc(0);
let nextId = 1;
const pending = new Map();
const diagnostics = new Map();
let lastDiagnostics = Date.now();

function send(message) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }), "utf8");
  server.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  server.stdin.write(body);
}

function call(method, params) {
  const id = nextId++;
  send({ id, method, params });
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}

function onMessage(m) {
  if (m.id !== undefined && m.method) {
    // A request from the server: configuration, capability registration …
    let result = null;
    if (m.method === "workspace/configuration") {
      result = m.params.items.map((i) => (i.section === "yaml" ? settings.yaml : i.section ? settings[i.section] ?? null : settings));
    }
    send({ id: m.id, result });
  } else if (m.id !== undefined) {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error) p.reject(new Error(JSON.stringify(m.error)));
    else p.resolve(m.result);
  } else if (m.method === "textDocument/publishDiagnostics") {
    diagnostics.set(m.params.uri, m.params.diagnostics);
    lastDiagnostics = Date.now();
  }
}

server.stdout.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf("\r\n\r\n");
    if (end < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())[1]);
    if (buffer.length < end + 4 + length) return;
    const body = buffer.subarray(end + 4, end + 4 + length).toString("utf8");
    buffer = buffer.subarray(end + 4 + length);
    onMessage(JSON.parse(body));
  }
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const uri = (file) => pathToFileURL(file).href;

const timeout = setTimeout(() => {
  console.error("yaml-language-server did not answer within 60 s");
  process.exit(2);
}, 60_000);

await call("initialize", {
  processId: process.pid,
  rootUri: null,
  capabilities: {
    workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
    textDocument: {
      publishDiagnostics: {},
      completion: { completionItem: { documentationFormat: ["plaintext", "markdown"], snippetSupport: false } },
      hover: { contentFormat: ["plaintext", "markdown"] },
    },
  },
});
send({ method: "initialized", params: {} });
send({ method: "workspace/didChangeConfiguration", params: { settings } });

const files = [...new Set([...(request.files ?? []), ...(request.complete ?? []).map((c) => c.file), ...(request.hover ?? []).map((c) => c.file)])];
for (const file of files) {
  send({
    method: "textDocument/didOpen",
    params: { textDocument: { uri: uri(file), languageId: "yaml", version: 1, text: readFileSync(file, "utf8") } },
  });
}
// Wait until every file has its diagnostics and the server has been quiet for a while
// (it publishes again once a schema has loaded).
while (files.some((f) => !diagnostics.has(uri(f))) || Date.now() - lastDiagnostics < 1500) {
  await sleep(100);
}

const text = (doc) => (doc === undefined ? "" : typeof doc === "string" ? doc : doc.value ?? "");
const answer = { diagnostics: {}, complete: [], hover: [] };
for (const file of request.files ?? []) {
  answer.diagnostics[file] = (diagnostics.get(uri(file)) ?? []).map((d) => ({
    line: d.range.start.line,
    character: d.range.start.character,
    severity: d.severity,
    message: d.message,
  }));
}
for (const c of request.complete ?? []) {
  const r = await call("textDocument/completion", { textDocument: { uri: uri(c.file) }, position: { line: c.line, character: c.character } });
  const items = Array.isArray(r) ? r : r?.items ?? [];
  answer.complete.push(items.map((i) => ({ label: i.label, documentation: text(i.documentation) })));
}
for (const h of request.hover ?? []) {
  const r = await call("textDocument/hover", { textDocument: { uri: uri(h.file) }, position: { line: h.line, character: h.character } });
  const c = r?.contents;
  answer.hover.push(Array.isArray(c) ? c.map(text).join("\n") : text(c));
}
clearTimeout(timeout);
process.stdout.write(JSON.stringify(answer));
await call("shutdown", null).catch(() => {});
send({ method: "exit" });
server.kill();
process.exit(0);
