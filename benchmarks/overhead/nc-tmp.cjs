const net = require('net');
const srv = net.createServer((s) => s.destroy());
srv.listen(0, '127.0.0.1', async () => {
  const port = srv.address().port;
  const one = () => new Promise((res, rej) => { const s = net.connect(port, '127.0.0.1', () => { s.destroy(); res(); }); s.on('error', rej); });
  for (let i = 0; i < 500; i++) await one();
  const t = process.hrtime.bigint(); const c = process.cpuUsage();
  for (let i = 0; i < 3000; i++) await one();
  const u = process.cpuUsage(c);
  console.log('us/connect', (Number(process.hrtime.bigint() - t) / 3000 / 1000).toFixed(1), 'cpu', ((u.user + u.system) / 3000).toFixed(1));
  srv.close();
});
