import { activeRuntime } from '@palisade/core';
import { installDgram } from './dgram.js';
import { installDns } from './dns.js';
import { installFetch } from './fetch.js';
import { installHttp, installHttps } from './http.js';
import { installHttp2 } from './http2.js';
import { installNet } from './net.js';
import { type Part, installWhenReachable } from '../../reach.js';

/** Parts whose module loads with them, and can wait until the app can reach it (reach.ts). */
const ON_REACH: readonly Part[] = [
  ['https', installHttps],
  ['http2', installHttp2],
];

const PARTS: ReadonlyArray<readonly [string, () => void]> = [
  ['net', installNet],
  ['http', installHttp],
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
 * own: one failing leaves the others in place. `deferUnreached`: https and
 * http2 wait until the app can reach them (reach.ts).
 */
export function installNetworkSensors(deferUnreached = false): void {
  for (const [name, install] of PARTS) {
    try {
      install();
    } catch (err) {
      activeRuntime()?.recorder.internalError(`network sensor (${name})`, err);
    }
  }
  installWhenReachable(ON_REACH, deferUnreached);
}
