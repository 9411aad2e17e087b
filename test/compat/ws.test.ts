import t from 'tap';
import { compare } from './compat.js';

// ws: a loopback server and client, text and binary echo, ping, close codes, a rejected upgrade (401); failures:
// ECONNREFUSED, an invalid URL, sending on a closed socket.
await compare(t, 'ws', {
  body: String.raw`
  const ws = await load('ws');
  const WebSocket = ws.WebSocket ?? ws;
  const WebSocketServer = ws.WebSocketServer ?? ws.Server ?? (await import('ws')).WebSocketServer;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: (info) => !info.req.url.includes('deny') });
  await new Promise((r) => wss.on('listening', r));
  wss.on('connection', (sock, req) => {
    sock.on('message', (data, isBinary) => sock.send(isBinary ? data : 'echo:' + data, { binary: isBinary }));
    if (req.url.includes('close')) sock.close(4001, 'bye');
  });
  const url = 'ws://127.0.0.1:' + wss.address().port;
  const session = (path, send) => new Promise((resolve, reject) => {
    const c = new WebSocket(url + path);
    const seen = [];
    c.on('open', () => { seen.push('open'); for (const m of send) c.send(m); if (send.length === 0) return; });
    c.on('message', (d, bin) => { seen.push(bin ? 'bin:' + Buffer.from(d).toString('hex') : 'text:' + d); if (seen.length > send.length) c.close(1000, 'done'); });
    c.on('unexpected-response', (req, res) => { seen.push('http ' + res.statusCode); c.terminate(); });
    c.on('close', (code, reason) => resolve([...seen, 'close ' + code + ' ' + reason]));
    c.on('error', (e) => seen.push('error ' + (e.code ?? e.message)));
  });
  await step('text echo', () => session('/', ['hi', 'there']));
  await step('binary echo', () => session('/', [Buffer.from([1, 2, 3])]));
  await step('server closes with a code', () => session('/close', []));
  await step('rejected upgrade', () => session('/deny', []));
  const closed = await new Promise((r) => { const s = require_net().createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
  await step('ECONNREFUSED', () => new Promise((resolve) => { const c = new WebSocket('ws://127.0.0.1:' + closed); c.on('error', (e) => resolve(err(e))); }));
  await step('invalid URL', () => new WebSocket('not-a-url'));
  await step('send after close', () => new Promise((resolve) => { const c = new WebSocket(url); c.on('open', () => { c.close(); c.send('late', (e) => resolve(err(e))); }); }));
  await canary('net', () => new Promise((resolve, reject) => { const c = new WebSocket('ws://127.0.0.2:9'); c.on('error', reject); c.on('open', resolve); }));
  wss.close();
`,
});
