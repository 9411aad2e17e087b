import t from 'tap';
import { assertDenied, attemptNet, target } from '../helpers/network-bypass.js';

// The same connections from each kind of app: ESM, CommonJS (preloaded with
// --import and with --require), and ESM importing a CommonJS package.
const CJS_PACKAGE = {
  'node_modules/cjs-connector/package.json': JSON.stringify({ name: 'cjs-connector', version: '1.0.0', main: 'index.js' }),
  'node_modules/cjs-connector/index.js': `const net = require('node:net');
const http = require('http');
exports.connect = (port, host) => net.connect(port, host);
exports.get = (url) => new Promise((ok, fail) => http.get(url, (r) => { r.resume(); r.on('end', ok); }).on('error', fail));`,
};

const ESM = `import net from 'node:net';
import { request } from 'node:http';
await settle('net', net.connect(PORT, '127.0.0.2'));
await attempt('http named import', () => new Promise((ok, fail) => request('http://127.0.0.2:' + PORT + '/').on('error', fail).end()));
await attempt('fetch', () => fetch('http://127.0.0.2:' + PORT + '/'));`;

const CJS = `const net = require('net');
const { get } = require('node:http');
await settle('net', net.connect(PORT, '127.0.0.2'));
await attempt('http destructured', () => new Promise((ok, fail) => get('http://127.0.0.2:' + PORT + '/').on('error', fail)));
await attempt('fetch', () => fetch('http://127.0.0.2:' + PORT + '/'));`;

const ESM_IMPORTING_CJS = `import connector from 'cjs-connector';
await settle('cjs package net', connector.connect(PORT, '127.0.0.2'));
await attempt('cjs package http', () => connector.get('http://127.0.0.2:' + PORT + '/'));`;

const CASES: Array<[string, Parameters<typeof attemptNet>[1], number]> = [
  ['ESM app', { script: ESM }, 3],
  ['CommonJS app, --import palisade/register', { script: CJS, scriptName: 'app.cjs' }, 3],
  ['CommonJS app, --require palisade/register', { script: CJS, scriptName: 'app.cjs', preload: 'require' }, 3],
  ['ESM app importing a CommonJS package that connects', { script: ESM_IMPORTING_CJS, files: CJS_PACKAGE }, 2],
];

for (const [name, opts, attempts] of CASES) {
  t.test(name, async (t) => {
    const server = await target(t, '127.0.0.2', 'http');
    const r = await attemptNet(t, { ...opts, port: server.port });
    assertDenied(t, r, attempts);
    t.equal(server.connections, 0, 'the denied host saw no connection');
  });
}

t.test('allowed connections from each kind of app still work', async (t) => {
  const server = await target(t, '127.0.0.1', 'http');
  const ok = `await attempt('fetch allowed', () => fetch('http://127.0.0.1:' + PORT + '/ok').then((r) => r.text()));`;
  for (const [scriptName, preload] of [['app.mjs', 'import'], ['app.cjs', 'import'], ['app.cjs', 'require']] as const) {
    const r = await attemptNet(t, { script: ok, scriptName, preload, port: server.port });
    t.match(r.json, [{ how: 'fetch allowed', code: 'OK' }], `${scriptName} --${preload}`);
  }
  t.same(server.requests, ['/ok', '/ok', '/ok']);
});
