/** Shared helpers for the network sensor unit tests: policies, recorded decisions, loopback servers that say what reached them. */
import dgram from 'node:dgram';
import { once } from 'node:events';
import net from 'node:net';
import type { Test } from 'tap';
import { type DecisionRecord, init, on, shutdown } from '@palisade/core';
import { installNetworkSensors } from '../../src/sensors/network/index.js';

installNetworkSensors();

export function usePolicy(t: Test, policy: Record<string, unknown>): void {
  init({ policy: { version: 1, mode: 'enforce', ...policy }, source: 'test' });
  t.teardown(() => shutdown());
}

export function recorded(t: Test): DecisionRecord[] {
  const list: DecisionRecord[] = [];
  const off = on('decision', (r) => list.push(r));
  t.teardown(off);
  return list;
}

export interface Seen {
  connections: number;
  data: string;
}

/** A TCP server on `host` (default 127.0.0.1) or a unix socket path, counting connections and bytes. */
export async function tcpServer(t: Test, where: string = '127.0.0.1'): Promise<Seen & { port: number; server: net.Server }> {
  const seen = { connections: 0, data: '', port: 0 };
  const server = net.createServer((s) => {
    seen.connections++;
    s.on('data', (d) => (seen.data += String(d)));
    s.on('error', () => {});
  });
  t.teardown(() => server.close());
  if (where.includes('/')) server.listen(where);
  else server.listen(0, where);
  await once(server, 'listening');
  const addr = server.address();
  seen.port = typeof addr === 'object' && addr ? addr.port : 0;
  return Object.assign(seen, { server });
}

/** A UDP socket on `host` counting datagrams. */
export async function udpServer(t: Test, host = '127.0.0.2'): Promise<{ port: number; datagrams: number }> {
  const seen = { port: 0, datagrams: 0 };
  const sock = dgram.createSocket('udp4', () => seen.datagrams++);
  t.teardown(() => sock.close());
  sock.bind(0, host);
  await once(sock, 'listening');
  seen.port = sock.address().port;
  return seen;
}

/** Every event a socket-like emitter emits, in order, with the error code where there is one. */
export function eventsOf(emitter: NodeJS.EventEmitter, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    emitter.on(name, (arg: unknown) => {
      const code = name === 'error' ? `:${(arg as { code?: string }).code}` : '';
      out.push(`${name}${code}`);
    });
  }
  return out;
}

/** Resolves when the emitter emits 'close' (or after `ms`, so a hang fails the test instead of timing it out). Call it before the close can happen. */
export function closed(emitter: NodeJS.EventEmitter, ms = 3000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    emitter.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export const tick = (ms = 20): Promise<void> => new Promise((r) => setTimeout(r, ms));
