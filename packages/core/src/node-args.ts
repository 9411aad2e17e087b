import { pathToFileURL } from 'node:url';

// How Node's command line names preloads: shared by the preload check and the LLM loader.

/** NODE_OPTIONS split the way Node splits it: spaces separate, double quotes group, backslash escapes inside quotes. */
export function splitNodeOptions(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuotes = false;
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQuotes && c === '\\' && i + 1 < text.length) {
      cur += text[++i];
    } else if (c === '"') {
      inQuotes = !inQuotes;
      has = true;
    } else if (c === ' ' && !inQuotes) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** Values of --import and/or --require / -r in an argument list. */
export function preloads(args: readonly string[], kinds: ReadonlyArray<'import' | 'require'> = ['import', 'require']): string[] {
  const imports = kinds.includes('import');
  const requires = kinds.includes('require');
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const flag = a === '--import' ? imports : a === '--require' || a === '-r' ? requires : undefined;
    if (flag !== undefined) {
      if (i + 1 < args.length && flag) out.push(args[i + 1]!);
      i++;
    } else if (imports && a.startsWith('--import=')) out.push(a.slice(9));
    else if (requires && a.startsWith('--require=')) out.push(a.slice(10));
  }
  return out;
}

/** Whether a preload specifier names Palisade's register module. */
export function isRegister(spec: string, registerPath: string | undefined): boolean {
  const s = spec.replace(/^"(.*)"$/, '$1');
  if (registerPath && (s === registerPath || s === pathToFileURL(registerPath).href)) return true;
  return /(?:^|\/)palisade\/(?:dist\/)?register(?:(?:\.bundle)?\.js|\.cjs)?$/.test(s);
}

/** A value for NODE_OPTIONS, quoted the way Node reads quotes there when it holds a space, quote or backslash. */
export function nodeOptionValue(value: string): string {
  return /[\s"\\]/.test(value) ? `"${value.replace(/["\\]/g, '\\$&')}"` : value;
}

/**
 * How a child Node process or a worker preloads Palisade's register module: the build's CommonJS
 * file with `--require` (it runs before the process's own `--require`s, and a CommonJS app then starts
 * without Node's ES-module loader); the ES module with `--require` only where that Node can require()
 * it (`canRequireESM`: a worker of this process, on Node >= 20.19), else with `--import`.
 */
export function registerPreload(registerPath: string, canRequireESM: boolean): readonly ['--require' | '--import', string] {
  if (registerPath.endsWith('.cjs') || canRequireESM) return ['--require', registerPath];
  return ['--import', pathToFileURL(registerPath).href];
}
