/**
 * A DNS server on loopback UDP that records every name it is asked about and
 * answers A queries with 127.0.0.1 (anything else: no records). Tests point
 * a Resolver at it to see whether a query left the process.
 */
import dgram from 'node:dgram';
import { once } from 'node:events';

export interface DnsStub {
  readonly host: string;
  readonly port: number;
  /** Names queried, lower-cased, in arrival order. */
  readonly queries: string[];
  close(): void;
}

function questionName(msg: Buffer): { name: string; end: number } | undefined {
  const labels: string[] = [];
  let i = 12;
  while (i < msg.length) {
    const len = msg[i]!;
    if (len === 0) return { name: labels.join('.').toLowerCase(), end: i + 1 };
    if (len > 63 || i + 1 + len > msg.length) return undefined;
    labels.push(msg.toString('latin1', i + 1, i + 1 + len));
    i += 1 + len;
  }
  return undefined;
}

function reply(query: Buffer, end: number): Buffer {
  const qtype = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  header.writeUInt16BE(0x8180, 2); // response, recursion desired and available, no error
  header.writeUInt16BE(1, 4);
  const answers = qtype === 1 ? 1 : 0;
  header.writeUInt16BE(answers, 6);
  if (answers === 0) return Buffer.concat([header, question]);
  const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
  return Buffer.concat([header, question, answer]);
}

export async function dnsStub(host = '127.0.0.1'): Promise<DnsStub> {
  const socket = dgram.createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (msg, rinfo) => {
    const q = questionName(msg);
    if (!q || q.end + 4 > msg.length) return;
    queries.push(q.name);
    socket.send(reply(msg, q.end), rinfo.port, rinfo.address);
  });
  socket.bind(0, host);
  await once(socket, 'listening');
  return { host, port: socket.address().port, queries, close: () => socket.close() };
}
