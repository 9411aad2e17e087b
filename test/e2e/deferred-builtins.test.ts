/**
 * https and http2 (and the tls and crypto they load) are wrapped when a CommonJS
 * app can first reach them, not at start-up (packages/node/src/reach.ts). Each
 * way the app can reach them gets the wrapped functions; a request-level check
 * still applies to a request on a connection the app supplies itself, which
 * the socket-level check never sees.
 *
 * The CommonJS scripts here avoid the word i-m-p-o-r-t unless the case is about it:
 * CommonJS source that shows it installs everything before it runs.
 */
import t from 'tap';
import { runProtected } from '../helpers/protected.js';

const POLICY = { version: 1, mode: 'enforce', allow: { 'net.connect': ['127.0.0.1:*'], 'code.eval': true } };

const PRELUDE = `const wrappers = globalThis[Symbol.for('palisade.wrappers')];
const loaded = () => ['https', 'http2', 'tls', 'crypto'].filter((m) => process.moduleLoadList.includes('NativeModule ' + m));
const atStart = loaded();
`;

/** An https request to a denied host over a connection the app made to an allowed (closed) port: what fails it. */
const REQUEST_ON_OWN_SOCKET = `
function requestOnOwnSocket(request) {
  return new Promise((resolve) => {
    const net = require('node:net');
    const req = request({ host: 'denied.example.com', port: 443, createConnection: () => net.connect(9, '127.0.0.1') });
    req.on('error', (e) => resolve(e.code));
    req.end();
  });
}
`;

t.test('a CommonJS app starts without https, http2, tls or crypto, and its require gets them wrapped', async (t) => {
  const r = await runProtected({
    policy: POLICY,
    scriptName: 'app.cjs',
    script: `${PRELUDE}${REQUEST_ON_OWN_SOCKET}
const { request, get } = require('https');
const http2 = require('node:http2');
requestOnOwnSocket(request).then((code) => {
  console.log(JSON.stringify({ atStart, wrapped: [wrappers.has(request), wrappers.has(get), wrappers.has(http2.connect)], code }));
});`,
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { atStart: [], wrapped: [true, true, true], code: 'ERR_PALISADE_DENIED' });
});

t.test('process.getBuiltinModule gets them wrapped too', { skip: typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule !== 'function' && 'needs process.getBuiltinModule' }, async (t) => {
  const r = await runProtected({
    policy: POLICY,
    scriptName: 'app.cjs',
    script: `${PRELUDE}
const https = process.getBuiltinModule('node:https');
const http2 = process.getBuiltinModule('http2');
console.log(JSON.stringify({ atStart, wrapped: [wrappers.has(https.request), wrappers.has(http2.connect)] }));`,
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { atStart: [], wrapped: [true, true] });
});

t.test('CommonJS that can load an ES module gets them wrapped before it runs: named and default exports', async (t) => {
  const r = await runProtected({
    policy: POLICY,
    scriptName: 'app.cjs',
    script: `${PRELUDE}${REQUEST_ON_OWN_SOCKET}
import('node:https').then(async (m) => {
  const code = await requestOnOwnSocket(m.request);
  console.log(JSON.stringify({ atStart, wrapped: [wrappers.has(m.request), wrappers.has(m.default.request)], code }));
});`,
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { atStart: ['https', 'http2', 'tls', 'crypto'], wrapped: [true, true], code: 'ERR_PALISADE_DENIED' });
});

t.test('bypass attempt: an ES import assembled at run time, through eval and through Function', async (t) => {
  const r = await runProtected({
    policy: POLICY,
    scriptName: 'app.cjs',
    script: `${PRELUDE}
const word = 'imp' + 'ort';
eval(word + '("node:http2")').then(async (h2) => {
  const https = await new Function('return ' + word + '("node:https")')();
  console.log(JSON.stringify({ atStart, wrapped: [wrappers.has(h2.connect), wrappers.has(h2.default.connect), wrappers.has(https.get)] }));
});`,
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { atStart: [], wrapped: [true, true, true] });
});

t.test('bypass attempt: the inspector, which runs code Palisade cannot see, installs everything when used', async (t) => {
  const r = await runProtected({
    policy: { ...POLICY, allow: { ...POLICY.allow, 'code.native': ['inspector'] } },
    scriptName: 'app.cjs',
    script: `${PRELUDE}
const { Session } = require('node:inspector');
const beforeConnect = loaded();
new Session().connect();
console.log(JSON.stringify({ atStart, beforeConnect, afterConnect: loaded().filter((m) => m === 'https' || m === 'http2') }));`,
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { atStart: [], beforeConnect: [], afterConnect: ['https', 'http2'] });
});

t.test('an ES module app gets them at start, as before', async (t) => {
  const r = await runProtected({
    policy: POLICY,
    scriptName: 'app.mjs',
    script: `${PRELUDE}
const https = await import('node:https');
console.log(JSON.stringify({ atStart: atStart.includes('https') && atStart.includes('http2'), wrapped: wrappers.has(https.request) }));`,
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { atStart: true, wrapped: true });
});
