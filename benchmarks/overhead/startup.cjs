'use strict';
// Startup probe: the same tiny app for every mode. It loads a few builtins (as any app
// does), prints one line and exits; run.mjs times spawn to that line. The line also carries
// the process's own clock (ms since it started) and its CPU time so far (all threads, ms).
const t = performance.now();
require('node:fs');
require('node:http');
require('node:path');
const u = process.cpuUsage();
process.stdout.write(`ready ${t.toFixed(2)} ${((u.user + u.system) / 1000).toFixed(2)}\n`);
