const cp = require('child_process');
const { originalOf } = require('@palisade/core');
const w = cp.execFileSync, o = originalOf(w);
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
for (let i = 0; i < 200; i++) w('true');
const rw = [], ro = [];
for (let r = 0; r < 20; r++) { for (const [f, arr] of [[w, rw], [o, ro]]) { const t = process.hrtime.bigint(); for (let i = 0; i < 50; i++) f('true'); arr.push(Number(process.hrtime.bigint() - t) / 50 / 1000); } }
console.log('wrapped', med(rw).toFixed(0), 'us; original', med(ro).toFixed(0), 'us');
// time the wrapper's checks alone: stub spawnSync? measure decide cost via a denied-free path
