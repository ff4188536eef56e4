'use strict';
// Runs once per V8 engine; gets the host's one entry point and returns the per-batch runner.
// The script sees only what this file puts in globalThis (mail, http, json, log, console, require
// that refuses) and JavaScript's built-ins: no file system, process, network, timers or modules.
// hostCall(op, json) -> json is kept in this closure: no script can reach a .NET object.
(function (hostCall, preludeName) {
  const { parse, stringify } = JSON;
  const freeze = Object.freeze;
  const text = (v) => (typeof v === 'string' ? v : v instanceof Error ? (v.stack || String(v)) : stringify(v) ?? String(v));

  function call(op, payload) {
    const answer = parse(hostCall(op, stringify(payload)));
    if (answer.error !== undefined) throw new Error(answer.error);
    return answer;
  }

  const logAt = (level) => (...parts) => { hostCall('log', stringify({ level, message: parts.map(text).join(' ') })); };
  const log = freeze({ info: logAt('info'), warning: logAt('warning'), warn: logAt('warning'), error: logAt('error'), debug: logAt('debug') });

  const api = {
    mail: freeze({
      send(m) {
        if (m === null || typeof m !== 'object') throw new TypeError('mail.send expects {from, to, subject, body}');
        call('mail', m);
        return true;
      },
    }),
    http: freeze({
      post(url, body, headers) {
        const payload = typeof body === 'string' ? body : body === undefined ? '' : stringify(body);
        const answer = call('http', { url: String(url), body: payload, headers: headers ?? {} });
        return freeze({ status: answer.status, body: answer.body });
      },
    }),
    json: freeze({ encode: (v) => stringify(v), decode: (s) => parse(s) }),
    log,
    console: freeze({ log: log.info, info: log.info, warn: log.warning, error: log.error, debug: log.debug }),
    require: freeze(function require(name) {
      throw new Error(`require('${String(name)}') is not available: JavaScript sinks are sandboxed ` +
        '(no modules, file system, process or network); use mail, http, json and log');
    }),
  };
  for (const [name, value] of Object.entries(api)) {
    Object.defineProperty(globalThis, name, { value, writable: false, enumerable: false, configurable: false });
  }
  const baseline = new Set(Reflect.ownKeys(globalThis));

  // The line of the script an error comes from: the first stack frame that is not this file's.
  function lineOf(error) {
    const stack = error && typeof error.stack === 'string' ? error.stack : '';
    for (const frame of stack.split('\n').slice(1)) {
      const m = /^\s*at (?:.*?\()?([^()]+):(\d+):\d+\)?\s*$/.exec(frame);
      if (m && !m[1].startsWith(preludeName)) return Number(m[2]);
    }
    return null;
  }
  const describe = (e) => stringify({
    message: e instanceof Error ? `${e.name}: ${e.message}` : 'thrown: ' + text(e),
    line: lineOf(e),
  });

  let outcome;
  return freeze({
    // Runs the script (an async function) over one batch. Host calls are synchronous, so when this
    // returns, every promise the script awaited has settled (V8 runs the microtasks first); a
    // promise still pending then can never settle.
    run(script, eventsJson, argsJson) {
      for (const key of Reflect.ownKeys(globalThis)) {
        if (!baseline.has(key)) Reflect.deleteProperty(globalThis, key); // globals of the last batch are gone
      }
      outcome = undefined;
      try {
        script(parse(eventsJson), parse(argsJson)).then(() => { outcome = 'ok'; }, (e) => { outcome = describe(e); });
      } catch (e) {
        outcome = describe(e);
      }
    },
    outcome: () => outcome ?? 'pending',
  });
})
