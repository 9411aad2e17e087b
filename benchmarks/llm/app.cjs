/**
 * The measured app (a child process): streams N chat completions through a
 * real SDK against the mock server and reports, per request, the time from
 * the call to the first text the app receives, and to the end of the stream.
 * Plain CommonJS so the benchmark needs no loader of its own.
 */
const sdkPath = process.env.BENCH_SDK_PATH;
const kind = process.env.BENCH_SDK;
const base = process.env.MOCK_LLM_URL;
const n = Number(process.env.BENCH_N ?? 100);
const warmup = Number(process.env.BENCH_WARMUP ?? 10);

async function once(client) {
  const t0 = performance.now();
  let first = -1;
  let text = '';
  if (kind === 'openai') {
    const stream = await client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'Tell me about the river.' }] });
    for await (const c of stream) {
      const d = c.choices[0]?.delta?.content;
      if (d) {
        if (first < 0) first = performance.now() - t0;
        text += d;
      }
    }
  } else {
    const stream = await client.messages.create({ model: 'claude-x', max_tokens: 512, stream: true, messages: [{ role: 'user', content: 'Tell me about the river.' }] });
    for await (const e of stream) {
      if (e.type === 'content_block_delta' && e.delta.type === 'text_delta' && e.delta.text) {
        if (first < 0) first = performance.now() - t0;
        text += e.delta.text;
      }
    }
  }
  return { ttft: first, total: performance.now() - t0, chars: text.length };
}

(async () => {
  const mod = require(sdkPath);
  const Ctor = kind === 'openai' ? mod : mod.default;
  const client = kind === 'openai' ? new Ctor({ baseURL: `${base}/v1`, apiKey: 'bench', maxRetries: 0 }) : new Ctor({ baseURL: base, apiKey: 'bench', maxRetries: 0 });
  for (let i = 0; i < warmup; i++) await once(client);
  const runs = [];
  for (let i = 0; i < n; i++) runs.push(await once(client));
  process.stdout.write(JSON.stringify({ runs }) + '\n');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
