import t from 'tap';
import { compare } from './compat.js';

// @modelcontextprotocol/sdk: a server and a client over the in-memory transport and over stdio (the client
// starts the server as a child Node process, which runs with Palisade too); tools, resources, prompts;
// failures: an unknown tool, a tool that throws, invalid arguments, an unknown method, a server that
// does not start (ENOENT).
const SERVER = String.raw`
export async function makeServer(load) {
  const { Server } = await load('@modelcontextprotocol/sdk/server/index.js');
  const types = await load('@modelcontextprotocol/sdk/types.js');
  const server = new Server({ name: 'compat', version: '1.0.0' }, { capabilities: { tools: {}, resources: {}, prompts: {} } });
  server.setRequestHandler(types.ListToolsRequestSchema, async () => ({ tools: [{ name: 'add', description: 'adds', inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } }, { name: 'fail', inputSchema: { type: 'object' } }] }));
  server.setRequestHandler(types.CallToolRequestSchema, async (req) => {
    if (req.params.name === 'add') {
      const { a, b } = req.params.arguments ?? {};
      if (typeof a !== 'number' || typeof b !== 'number') throw new types.McpError(types.ErrorCode.InvalidParams, 'a and b must be numbers');
      return { content: [{ type: 'text', text: String(a + b) }] };
    }
    if (req.params.name === 'fail') return { isError: true, content: [{ type: 'text', text: 'tool failed' }] };
    throw new types.McpError(types.ErrorCode.InvalidParams, 'unknown tool ' + req.params.name);
  });
  server.setRequestHandler(types.ListResourcesRequestSchema, async () => ({ resources: [{ uri: 'mem://note', name: 'note' }] }));
  server.setRequestHandler(types.ReadResourceRequestSchema, async (req) => ({ contents: [{ uri: req.params.uri, text: 'note text' }] }));
  server.setRequestHandler(types.ListPromptsRequestSchema, async () => ({ prompts: [{ name: 'greet' }] }));
  server.setRequestHandler(types.GetPromptRequestSchema, async () => ({ messages: [{ role: 'user', content: { type: 'text', text: 'hello' } }] }));
  return server;
}
`;

await compare(t, '@modelcontextprotocol/sdk', {
  timeoutMs: 40_000,
  files: {
    'server-def.mjs': SERVER,
    'stdio-server.mjs': String.raw`
import { makeServer } from './server-def.mjs';
const load = async (n) => import(n);
const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
const server = await makeServer(load);
await server.connect(new StdioServerTransport());
`,
  },
  body: String.raw`
  const { Client } = await load('@modelcontextprotocol/sdk/client/index.js');
  const { InMemoryTransport } = await load('@modelcontextprotocol/sdk/inMemory.js');
  const { StdioClientTransport } = await load('@modelcontextprotocol/sdk/client/stdio.js');
  const { makeServer } = await import(require_url().pathToFileURL(require_path().resolve('server-def.mjs')).href);
  const types = await load('@modelcontextprotocol/sdk/types.js');
  const exercise = async (label, client) => {
    await step(label + ' listTools', async () => (await client.listTools()).tools.map((x) => x.name));
    await step(label + ' callTool', async () => (await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } })).content);
    await step(label + ' tool error result', async () => { const r = await client.callTool({ name: 'fail', arguments: {} }); return [r.isError, r.content]; });
    await step(label + ' resources', async () => [(await client.listResources()).resources, (await client.readResource({ uri: 'mem://note' })).contents]);
    await step(label + ' prompts', async () => (await client.getPrompt({ name: 'greet' })).messages);
    await step(label + ' unknown tool', () => client.callTool({ name: 'nope', arguments: {} }));
    await step(label + ' invalid arguments', () => client.callTool({ name: 'add', arguments: { a: 'x' } }));
    await step(label + ' unknown method', () => client.request({ method: 'no/such', params: {} }, types.EmptyResultSchema));
  };
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const server = await makeServer(load);
  await server.connect(serverSide);
  const mem = new Client({ name: 'compat-client', version: '1.0.0' });
  await mem.connect(clientSide);
  await exercise('memory', mem);
  await mem.close();
  const stdio = new Client({ name: 'compat-client', version: '1.0.0' });
  await stdio.connect(new StdioClientTransport({ command: process.execPath, args: ['stdio-server.mjs'], stderr: 'ignore' }));
  await exercise('stdio', stdio);
  await stdio.close();
  await step('server that does not start', async () => { const c = new Client({ name: 'x', version: '1' }); return c.connect(new StdioClientTransport({ command: 'no-such-mcp-server-palisade', args: [], stderr: 'ignore' })); });
`,
});
