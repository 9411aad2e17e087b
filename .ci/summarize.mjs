// Reads a tap run's output and prints `N passed, N failed` from tap's closing
// line (`# { total: N, pass: N, fail: N }`); fails when tap failed.
import { readFileSync } from 'node:fs';

const [log, status, label] = process.argv.slice(2);
const lines = readFileSync(log, 'utf8').split('\n');
const closing = lines.reverse().find((l) => /^#\s*\{\s*total:/.test(l)) ?? '';
const num = (key) => Number(new RegExp(`${key}:\\s*(\\d+)`).exec(closing)?.[1] ?? 0);
if (!closing) {
  console.log(`0 passed, 1 failed (${label}: no tap summary; npm test exited ${status})`);
  process.exit(1);
}
const pass = num('pass');
const fail = num('fail');
const note = status !== '0' && fail === 0 ? `; npm test exited ${status}` : '';
console.log(`${pass} passed, ${fail} failed (${label}${note})`);
process.exit(fail > 0 || status !== '0' ? 1 : 0);
