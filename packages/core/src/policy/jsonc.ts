/**
 * Removes // and /* *\/ comments outside strings, so policies may be written as
 * JSONC (as the documentation's examples are). Line and column positions are
 * kept: comment characters become spaces, newlines stay.
 */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\' && i + 1 < text.length) {
        out += text[i + 1];
        i += 2;
        continue;
      }
      if (ch === '"') inString = false;
      i++;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      i++;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') {
        out += ' ';
        i++;
      }
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      for (; i < stop; i++) out += text[i] === '\n' ? '\n' : ' ';
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

export interface DuplicateKey {
  /** Path of the repeated key, e.g. `['allow', 'fs.read']`. */
  readonly path: ReadonlyArray<string | number>;
  /** Character offset of the second occurrence. */
  readonly offset: number;
}

/**
 * The first key that appears twice in one object of `text`, which must be
 * valid JSON (comments already blanked out). JSON.parse silently keeps the
 * last value, so a second `"deny"` would erase the first.
 */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const readString = (): string => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  // Iterative, so a deeply nested file cannot overflow the stack; paths are built only for the answer.
  type Frame = { readonly up: Frame | undefined; readonly at: string | number | undefined; readonly keys: Set<string> | undefined; index: number };
  const pathOf = (frame: Frame | undefined, last: string): Array<string | number> => {
    const out: Array<string | number> = [last];
    for (let f = frame; f && f.at !== undefined; f = f.up) out.unshift(f.at);
    return out;
  };
  const stack: Frame[] = [];
  // Where the next value sits in its parent: a key, an index, or nothing for the root.
  let at: string | number | undefined;
  for (;;) {
    skipSpace();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      i++;
      skipSpace();
      const frame: Frame = { up: stack[stack.length - 1], at, keys: ch === '{' ? new Set() : undefined, index: 0 };
      if (text[i] === '}' || text[i] === ']') i++;
      else {
        stack.push(frame);
        if (frame.keys) {
          at = readString();
          frame.keys.add(at);
          skipSpace();
          i++; // ':'
        } else {
          at = 0;
        }
        continue;
      }
    } else if (ch === '"') {
      readString();
    } else {
      while (i < text.length && !',]} \t\r\n'.includes(text[i]!)) i++;
    }
    // A value ended: move to the next member or close containers.
    for (;;) {
      const frame = stack[stack.length - 1];
      if (!frame) return undefined;
      skipSpace();
      if (text[i] === ',') {
        i++;
        skipSpace();
        frame.index++;
        if (frame.keys) {
          const offset = i;
          const key = readString();
          if (frame.keys.has(key)) return { path: pathOf(frame, key), offset };
          frame.keys.add(key);
          skipSpace();
          i++; // ':'
          at = key;
        } else {
          at = frame.index;
        }
        break;
      }
      i++; // '}' or ']'
      stack.pop();
    }
  }
}
