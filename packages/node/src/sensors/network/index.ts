import { activeRuntime } from '@palisade/core';
import { installDgram } from './dgram.js';
import { installDns } from './dns.js';
import { installFetch } from './fetch.js';
import { installHttp } from './http.js';
import { installHttp2 } from './http2.js';
import { installNet } from './net.js';

const PARTS: ReadonlyArray<readonly [string, () => void]> = [
  ['net', installNet],
  ['http', installHttp],
  ['http2', installHttp2],
  ['fetch', installFetch],
  ['dgram', installDgram],
  ['dns', installDns],
];

/**
 * Network sensors: every outgoing connection, datagram and DNS query →
 * `net.connect`; every server listen and explicit datagram bind → `net.listen`.
 * The socket-level check (net.Socket#connect) is the one every TCP and unix
 * socket client passes; the request-level ones (http, fetch/undici, http2)
 * add checks for requests that reuse a connection. Each part installs on its
 * own: one failing leaves the others in place.
 */
export function installNetworkSensors(): void {
  for (const [name, install] of PARTS) {
    try {
      install();
    } catch (err) {
      activeRuntime()?.recorder.internalError(`network sensor (${name})`, err);
    }
  }
}
