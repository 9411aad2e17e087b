import t from 'tap';
import { join } from 'node:path';
import { entryIsCommonJS, mayImportESM } from '../src/esm-reach.js';

t.test('mayImportESM: what counts as a way to load an ES module', async (t) => {
  const yes = [
    "const m = await import('openai');",
    'import(name).then(run);',
    "x = import /* the ES build */ ('openai')",
    "return import(\n  './client.mjs')",
    "if (a) {import('x')}",
    "const spread = [...import.meta ? [] : []]; f(...import('x'))",
    "import OpenAI from 'openai';",
    'import { a } from "b";',
    "import * as ns from 'c';",
    "import 'side-effect';",
    'var a=1;import{b}from"c";',
    "load(`${import('x')}`)",
    "import(`./${name}.mjs`)",
    // The usual way TypeScript-compiled CommonJS keeps a dynamic import: in a string given to Function.
    "const dynamicImport = new Function('specifier', 'return import(specifier)');",
  ];
  const no = [
    "const registry = { import: (x) => x }; registry.import('x');",
    "/** @param {import('openai').OpenAI} client */",
    " * @returns {Promise<import('./types').T>}",
    "// const m = await import('openai');",
    '/* import(x) */ const a = 1;',
    "throw new Error(\"set globalThis.File to `import('node:buffer').File`\");",
    "await import('node:fs');",
    "const important = __importDefault(require('x'));",
    'module.exports = { imports: 1, reimport: 2 };',
    'const n = require("./import-map.js");',
  ];
  for (const s of yes) t.equal(mayImportESM(s), true, s);
  for (const s of no) t.equal(mayImportESM(s), false, s);
});

t.test('entryIsCommonJS: only a CommonJS entry with nothing else loading ES modules first', async (t) => {
  const root = t.testdir({
    'package.json': JSON.stringify({ name: 'app' }),
    'app.cjs': "require('x')",
    'app.mjs': "import 'x'",
    'plain.js': "const fs = require('fs');",
    'esm-syntax.js': "import fs from 'fs';",
    cjs: { 'package.json': JSON.stringify({ type: 'commonjs' }), 'a.js': "import('x')" },
    mod: { 'package.json': JSON.stringify({ type: 'module' }), 'a.js': "require('x')" },
    broken: { 'package.json': '{ not json', 'a.js': "require('x')" },
    'tool.ts': 'const a: number = 1;',
  });
  const facts = (main: string | undefined, execArgv: string[] = ['--import', 'palisade/register'], nodeOptions?: string) => ({
    argv: main === undefined ? [process.execPath] : [process.execPath, join(root, main)],
    execArgv,
    nodeOptions,
  });
  t.equal(entryIsCommonJS(facts('app.cjs')), true, '.cjs');
  t.equal(entryIsCommonJS(facts('plain.js')), true, 'typeless .js without import or export');
  t.equal(entryIsCommonJS(facts('plain')), true, 'resolved as Node resolves the main script');
  t.equal(entryIsCommonJS(facts('esm-syntax.js')), false, 'typeless .js that parses as an ES module');
  t.equal(entryIsCommonJS(facts('cjs/a.js')), true, '"type": "commonjs"');
  t.equal(entryIsCommonJS(facts('mod/a.js')), false, '"type": "module"');
  t.equal(entryIsCommonJS(facts('broken/a.js')), false, 'an unreadable package.json is doubt');
  t.equal(entryIsCommonJS(facts('app.mjs')), false, '.mjs');
  t.equal(entryIsCommonJS(facts('tool.ts')), false, 'another extension (a loader runs it)');
  t.equal(entryIsCommonJS(facts(undefined)), false, 'no entry file (-e, the REPL)');
  t.equal(entryIsCommonJS(facts('app.cjs', ['--require', 'palisade/register'])), true, '--require preload');
  t.equal(entryIsCommonJS(facts('app.cjs', ['--import=palisade/register'])), true, '--import=');
  t.equal(entryIsCommonJS(facts('app.cjs', ['--import', 'palisade/register', '--import', './setup.mjs'])), false, 'another --import');
  t.equal(entryIsCommonJS(facts('app.cjs', ['--import', 'palisade/register'], '--import ./setup.mjs')), false, 'another --import in NODE_OPTIONS');
  t.equal(entryIsCommonJS(facts('app.cjs', ['--import', 'palisade/register', '--loader', 'ts-node/esm'])), false, 'a loader');
  t.equal(entryIsCommonJS(facts('app.cjs', ['--experimental-default-type=module'])), false, 'default type module');
  t.equal(entryIsCommonJS(facts('app.cjs', ['--import', 'palisade/register', '--experimental-vm-modules'])), false, 'vm modules');
});
