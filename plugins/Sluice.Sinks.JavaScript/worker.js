'use strict';
// The JavaScript sink's worker: Node.js runs a user script once per batch.
// Protocol: one JSON object per line on stdin/stdout (stdout carries nothing else).
//   in:  {"type":"run","id":N,"file":PATH,"source":TEXT?,"events":[...],"args":{...}}
//        {"type":"mail_result","req":R,"ok":true} | {"type":"mail_result","req":R,"ok":false,"error":"..."}
//   out: {"type":"ready"}
//        {"type":"done","id":N} | {"type":"error","id":N,"message":"...","line":L,"stack":"..."}
//        {"type":"mail","req":R,"from":"...","to":"...","subject":"...","body":"..."}  (sent by .NET)
//        {"type":"log","level":"info|warning|error|debug","message":"..."}
const vm = require('node:vm');
const readline = require('node:readline');
const { createRequire } = require('node:module');
const { Worker } = require('node:worker_threads');

const send = (msg) => process.stdout.write(JSON.stringify(msg) + '\n');
const text = (v) => (typeof v === 'string' ? v : v instanceof Error ? (v.stack || v.message) : JSON.stringify(v) ?? String(v));
const logAt = (level) => (...parts) => send({ type: 'log', level, message: parts.map(text).join(' ') });
const log = { info: logAt('info'), warning: logAt('warning'), warn: logAt('warning'), error: logAt('error'), debug: logAt('debug') };

// stdout is the protocol: console output becomes log lines.
console.log = console.info = log.info;
console.warn = log.warning;
console.error = log.error;
console.debug = log.debug;

// Never outlive the host: a watchdog thread (not blocked by a busy script) kills this process
// once the parent is gone; closing stdin also ends it.
const parent = Number(process.env.SLUICE_PARENT_PID || process.ppid);
new Worker(`
  const { workerData } = require('node:worker_threads');
  setInterval(() => {
    if (process.ppid !== workerData.parent) process.kill(workerData.self, 'SIGKILL');
  }, 500);
`, { eval: true, workerData: { parent, self: process.pid } }).unref();

let nextMail = 1;
const pendingMail = new Map();
const mail = {
  send(m) {
    if (m === null || typeof m !== 'object') return Promise.reject(new TypeError('mail.send expects {from, to, subject, body}'));
    const req = nextMail++;
    const list = (v) => (Array.isArray(v) ? v.join(', ') : v == null ? '' : String(v));
    return new Promise((resolve, reject) => {
      pendingMail.set(req, { resolve, reject });
      send({ type: 'mail', req, from: list(m.from), to: list(m.to), subject: list(m.subject), body: list(m.body) });
    });
  },
};

const http = {
  async post(url, body, headers) {
    const payload = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
    const response = await fetch(url, {
      method: 'POST',
      body: payload,
      headers: { 'content-type': 'application/json', ...(headers || {}) },
    });
    return { status: response.status, body: await response.text() };
  },
};

const json = { encode: (v) => JSON.stringify(v), decode: (s) => JSON.parse(s) };

// A script is the body of an async function: top-level await works, line numbers stay the file's.
const scripts = new Map();
function compile(file, source) {
  if (source !== undefined) {
    const wrapped = '(async function (events, args, mail, http, json, log, require) {' + source + '\n})';
    const script = new vm.Script(wrapped, { filename: file, importModuleDynamically: (spec) => import(spec) });
    scripts.set(file, { fn: script.runInThisContext(), require: createRequire(file) });
  }
  const compiled = scripts.get(file);
  if (!compiled) throw new Error('worker has no source for ' + file);
  return compiled;
}

function lineOf(err, file) {
  const stack = err && typeof err.stack === 'string' ? err.stack : '';
  const at = stack.indexOf(file + ':');
  if (at < 0) return null;
  const m = /^:(\d+)/.exec(stack.slice(at + file.length));
  return m ? Number(m[1]) : null;
}

async function run(msg) {
  try {
    const { fn, require } = compile(msg.file, msg.source);
    await fn(msg.events, msg.args, mail, http, json, log, require);
    send({ type: 'done', id: msg.id });
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : 'thrown: ' + text(err);
    send({ type: 'error', id: msg.id, message, line: lineOf(err, msg.file), stack: err && err.stack ? String(err.stack) : '' });
  }
}

process.on('unhandledRejection', (reason) => log.error('unhandled rejection:', reason));
process.on('uncaughtException', (err) => log.error('uncaught exception:', err));

const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on('line', (line) => {
  let msg;
  try { msg = JSON.parse(line); } catch { log.error('bad protocol line'); return; }
  if (msg.type === 'run') run(msg);
  else if (msg.type === 'mail_result') {
    const p = pendingMail.get(msg.req);
    pendingMail.delete(msg.req);
    if (p) msg.ok ? p.resolve(true) : p.reject(new Error(msg.error));
  }
});
input.on('close', () => process.exit(0));
send({ type: 'ready' });
