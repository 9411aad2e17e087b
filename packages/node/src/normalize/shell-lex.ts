/**
 * A tokenizer for POSIX shell text (with the bash/zsh extensions that change
 * what runs). It does not expand anything: it records, per word, the literal
 * text it stands for when that text is known, and flags every construct whose
 * result is only known at run time. Command substitutions are returned as
 * text so the caller can analyse them as scripts of their own.
 *
 * Anything it cannot read with certainty throws ShellSyntaxError; callers
 * treat the whole text as opaque.
 */

export class ShellSyntaxError extends Error {
  override readonly name = 'ShellSyntaxError';
}

/** Literal text, a plain `$NAME`/`${NAME}` reference, or anything else computed at run time. */
export type WordPart = { readonly kind: 'lit'; readonly text: string } | { readonly kind: 'param'; readonly name: string } | { readonly kind: 'dyn' };

export interface Word {
  readonly raw: string;
  readonly start: number;
  readonly end: number;
  /** Quote-removed text; run-time parts appear as their source text. */
  readonly value: string;
  readonly parts: readonly WordPart[];
  /** Contains an expansion whose value is known only at run time. */
  readonly dynamic: boolean;
  readonly quoted: boolean;
  /** Unquoted `*`, `?` or `[`: pathname expansion. */
  readonly glob: boolean;
  /** Unquoted `{a,b}` / `{1..3}`: brace expansion (bash, zsh, ksh). */
  readonly brace: boolean;
  /** Starts with an unquoted `~`. */
  readonly tilde: boolean;
  /** Starts with an unquoted `=name` (zsh replaces it by the path of `name`). */
  readonly equals: boolean;
  /**
   * Can run code the text does not show: arithmetic (bash evaluates array
   * subscripts in it), `${x@P}`-style operators, zsh `${(e)x}`, or a
   * subscript next to a substitution (`'a[$(cmd)]'` handed to a builtin).
   */
  readonly risky: boolean;
  /** Bodies of `$(…)`, backticks, `<(…)`, `>(…)`, `=(…)`. */
  readonly subs: readonly string[];
}

export interface HereDoc {
  readonly delimiter: string;
  readonly quoted: boolean;
  readonly stripTabs: boolean;
  body: string;
  subs: string[];
  risky: boolean;
}

export type Token =
  | { readonly t: 'word'; readonly w: Word }
  | { readonly t: 'op'; readonly op: string; readonly start: number; readonly end: number }
  | { readonly t: 'redir'; readonly op: string; readonly start: number; readonly end: number; readonly heredoc?: HereDoc };

export const MAX_SCRIPT_LENGTH = 65536;
export const MAX_NESTING = 12;

const OPERATORS = [';;&', ';;', ';&', '&&', '||', '|&', '&>>', '&>', '<<<', '<<-', '<<', '>>', '<&', '>&', '<>', '>|', ';', '&', '|', '(', ')', '<', '>'];
const OP_START = new Set([';', '&', '|', '(', ')', '<', '>']);
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const SPECIAL_PARAM = /[0-9@*#?$!-]/;

class WordBuilder {
  parts: WordPart[] = [];
  private lit = '';
  value = '';
  dynamic = false;
  quoted = false;
  glob = false;
  tilde = false;
  equals = false;
  risky = false;
  subs: string[] = [];
  // brace expansion needs an unquoted `{`, then `,` or `..`, then `}`
  private braceOpen = false;
  private braceSep = false;
  brace = false;

  addLit(text: string): void {
    this.lit += text;
    this.value += text;
  }

  addParam(name: string, raw: string): void {
    this.flush();
    this.parts.push({ kind: 'param', name });
    this.value += raw;
    this.dynamic = true;
  }

  addDyn(raw: string): void {
    this.flush();
    this.parts.push({ kind: 'dyn' });
    this.value += raw;
    this.dynamic = true;
  }

  unquotedChar(c: string, prev: string): void {
    if (c === '*' || c === '?' || c === '[') this.glob = true;
    if (c === '{') this.braceOpen = true;
    else if (this.braceOpen && (c === ',' || (c === '.' && prev === '.'))) this.braceSep = true;
    else if (c === '}' && this.braceOpen && this.braceSep) this.brace = true;
    this.addLit(c);
  }

  flush(): void {
    if (this.lit) this.parts.push({ kind: 'lit', text: this.lit });
    this.lit = '';
  }
}

/** Tokenizes `src`. With `stopAtParen`, stops at the `)` closing a `$(` and returns its index. */
export class ShellLexer {
  pos: number;
  readonly tokens: Token[] = [];
  private pending: HereDoc[] = [];
  private parenDepth = 0;

  constructor(
    private readonly src: string,
    private readonly depth = 0,
    start = 0,
  ) {
    if (depth > MAX_NESTING) throw new ShellSyntaxError('nesting too deep');
    if (src.length > MAX_SCRIPT_LENGTH) throw new ShellSyntaxError('script too long');
    this.pos = start;
  }

  /** Reads to the end (or to the unmatched `)` when `stopAtParen`); returns the stop position. */
  run(stopAtParen = false): number {
    const src = this.src;
    while (this.pos < src.length) {
      const c = src[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\r') {
        this.pos++;
      } else if (c === '\\' && src[this.pos + 1] === '\n') {
        this.pos += 2;
      } else if (c === '#') {
        while (this.pos < src.length && src[this.pos] !== '\n') this.pos++;
      } else if (c === '\n') {
        this.tokens.push({ t: 'op', op: '\n', start: this.pos, end: this.pos + 1 });
        this.pos++;
        this.readHereDocs();
      } else if ((c === '<' || c === '>') && src[this.pos + 1] === '(') {
        this.tokens.push({ t: 'word', w: this.word() });
      } else if (OP_START.has(c)) {
        if (c === ')' && stopAtParen && this.parenDepth === 0) {
          if (this.pending.length > 0) throw new ShellSyntaxError('here-document inside a substitution is not closed');
          return this.pos;
        }
        this.operator();
      } else if (/[0-9]/.test(c) && this.ioNumberAhead()) {
        while (/[0-9]/.test(src[this.pos]!)) this.pos++;
        this.operator();
      } else {
        this.tokens.push({ t: 'word', w: this.word() });
      }
    }
    if (stopAtParen) throw new ShellSyntaxError('unterminated $(');
    // A here-document never followed by a newline has an empty body; the shell accepts it.
    return this.pos;
  }

  private ioNumberAhead(): boolean {
    let i = this.pos;
    while (i < this.src.length && /[0-9]/.test(this.src[i]!)) i++;
    const n = this.src[i];
    return n === '<' || n === '>';
  }

  private operator(): void {
    const start = this.pos;
    const op = OPERATORS.find((o) => this.src.startsWith(o, this.pos))!;
    this.pos += op.length;
    if (op === '(') this.parenDepth++;
    else if (op === ')') this.parenDepth--;
    if (op[0] === '<' || op[0] === '>' || op === '&>' || op === '&>>') {
      let heredoc: HereDoc | undefined;
      if (op === '<<' || op === '<<-') {
        while (this.src[this.pos] === ' ' || this.src[this.pos] === '\t') this.pos++;
        if (this.pos >= this.src.length || OP_START.has(this.src[this.pos]!) || this.src[this.pos] === '\n') {
          throw new ShellSyntaxError('here-document without a delimiter');
        }
        const delim = this.word();
        heredoc = { delimiter: delim.value, quoted: delim.quoted, stripTabs: op === '<<-', body: '', subs: [], risky: false };
        this.pending.push(heredoc);
        this.tokens.push({ t: 'redir', op, start, end: this.pos, heredoc });
        this.tokens.push({ t: 'word', w: delim });
        return;
      }
      this.tokens.push({ t: 'redir', op, start, end: this.pos });
      return;
    }
    this.tokens.push({ t: 'op', op, start, end: this.pos });
  }

  private readHereDocs(): void {
    const src = this.src;
    for (const doc of this.pending.splice(0)) {
      const lines: string[] = [];
      for (;;) {
        if (this.pos >= src.length) break;
        let nl = src.indexOf('\n', this.pos);
        if (nl < 0) nl = src.length;
        let line = src.slice(this.pos, nl);
        this.pos = Math.min(nl + 1, src.length);
        if (doc.stripTabs) line = line.replace(/^\t+/, '');
        if (line === doc.delimiter) break;
        lines.push(line);
      }
      doc.body = lines.join('\n');
      if (!doc.quoted) {
        // An unquoted here-document is expanded like a double-quoted string.
        const inner = new ShellLexer(doc.body, this.depth + 1);
        const b = new WordBuilder();
        inner.doubleContent(b, null);
        doc.subs = b.subs;
        doc.risky = b.risky;
      }
    }
  }

  /** One word from the current position. */
  word(): Word {
    const src = this.src;
    const start = this.pos;
    const b = new WordBuilder();
    if (src[this.pos] === '~') b.tilde = true;
    if (src[this.pos] === '=' && NAME_START.test(src[this.pos + 1] ?? '')) b.equals = true;
    let prev = '';
    while (this.pos < src.length) {
      const c = src[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') break;
      if ((c === '<' || c === '>' || (c === '=' && this.pos === start)) && src[this.pos + 1] === '(') {
        this.substitution(b, this.pos + 2);
        prev = ')';
        continue;
      }
      if (OP_START.has(c)) break;
      if (c === '\\') {
        if (src[this.pos + 1] === '\n') {
          this.pos += 2;
          continue;
        }
        b.quoted = true;
        if (this.pos + 1 < src.length) b.addLit(src[this.pos + 1]!);
        this.pos += 2;
        prev = '';
        continue;
      }
      if (c === "'") {
        const end = src.indexOf("'", this.pos + 1);
        if (end < 0) throw new ShellSyntaxError('unterminated single quote');
        b.quoted = true;
        b.addLit(src.slice(this.pos + 1, end));
        this.pos = end + 1;
        prev = '';
        continue;
      }
      if (c === '"') {
        b.quoted = true;
        this.pos++;
        this.doubleContent(b, '"');
        prev = '';
        continue;
      }
      if (c === '`') {
        this.backtick(b);
        prev = '';
        continue;
      }
      if (c === '$') {
        this.dollar(b, false);
        prev = '';
        continue;
      }
      b.unquotedChar(c, prev);
      prev = c;
      this.pos++;
    }
    b.flush();
    const raw = src.slice(start, this.pos);
    // `name[$(cmd)]` or `'a[$(cmd)]'`: bash evaluates subscripts handed to many builtins.
    const bracket = raw.indexOf('[');
    if (bracket >= 0 && (raw.indexOf('$(', bracket) > bracket || raw.indexOf('`', bracket) > bracket)) b.risky = true;
    return {
      raw,
      start,
      end: this.pos,
      value: b.value,
      parts: b.parts,
      dynamic: b.dynamic,
      quoted: b.quoted,
      glob: b.glob,
      brace: b.brace,
      tilde: b.tilde,
      equals: b.equals,
      risky: b.risky,
      subs: b.subs,
    };
  }

  /**
   * Inside double quotes (`end` = '"') or an unquoted here-document body
   * (`end` = null, reads to the end): only `$`, backticks and `\` are special.
   */
  doubleContent(b: WordBuilder, end: '"' | null): void {
    const src = this.src;
    while (this.pos < src.length) {
      const c = src[this.pos]!;
      if (end !== null && c === end) {
        this.pos++;
        return;
      }
      if (c === '\\') {
        const n = src[this.pos + 1];
        if (n === '\n') {
          this.pos += 2;
          continue;
        }
        if (n === '$' || n === '`' || n === '\\' || (end !== null && n === '"')) {
          b.addLit(n);
          this.pos += 2;
          continue;
        }
        b.addLit('\\');
        this.pos++;
        continue;
      }
      if (c === '`') {
        this.backtick(b);
        continue;
      }
      if (c === '$') {
        this.dollar(b, true);
        continue;
      }
      b.addLit(c);
      this.pos++;
    }
    if (end !== null) throw new ShellSyntaxError('unterminated double quote');
  }

  private backtick(b: WordBuilder): void {
    const src = this.src;
    const start = this.pos;
    let i = this.pos + 1;
    let body = '';
    for (;;) {
      if (i >= src.length) throw new ShellSyntaxError('unterminated backtick');
      const c = src[i]!;
      if (c === '`') break;
      if (c === '\\' && (src[i + 1] === '`' || src[i + 1] === '$' || src[i + 1] === '\\')) {
        body += src[i + 1];
        i += 2;
        continue;
      }
      body += c;
      i++;
    }
    this.pos = i + 1;
    b.subs.push(body);
    b.addDyn(src.slice(start, this.pos));
  }

  /** `$(` (or `<(`, `>(`, `=(`) whose body starts at `bodyStart`. */
  private substitution(b: WordBuilder, bodyStart: number): void {
    const start = this.pos;
    const inner = new ShellLexer(this.src, this.depth + 1, bodyStart);
    const close = inner.run(true);
    b.subs.push(this.src.slice(bodyStart, close));
    this.pos = close + 1;
    b.addDyn(this.src.slice(start, this.pos));
  }

  private dollar(b: WordBuilder, inDouble: boolean): void {
    const src = this.src;
    const start = this.pos;
    const n = src[this.pos + 1];
    if (n === '(') {
      if (src[this.pos + 2] === '(') {
        this.arithmetic(b);
        return;
      }
      this.substitution(b, this.pos + 2);
      return;
    }
    if (n === '{') {
      this.braced(b);
      return;
    }
    if (!inDouble && n === "'") {
      // ANSI-C quoting: escapes decide the text; treat it as computed.
      let i = this.pos + 2;
      while (i < src.length && src[i] !== "'") i += src[i] === '\\' ? 2 : 1;
      if (i >= src.length) throw new ShellSyntaxError("unterminated $'");
      this.pos = i + 1;
      b.quoted = true;
      b.addDyn(src.slice(start, this.pos));
      return;
    }
    if (!inDouble && n === '"') {
      // Locale translation: the text shown is not necessarily the text used.
      this.pos += 2;
      const inner = new WordBuilder();
      this.doubleContent(inner, '"');
      b.subs.push(...inner.subs);
      if (inner.risky) b.risky = true;
      b.quoted = true;
      b.addDyn(src.slice(start, this.pos));
      return;
    }
    if (n !== undefined && NAME_START.test(n)) {
      let i = this.pos + 1;
      while (i < src.length && NAME_CHAR.test(src[i]!)) i++;
      this.pos = i;
      b.addParam(src.slice(start + 1, i), src.slice(start, i));
      return;
    }
    if (n !== undefined && SPECIAL_PARAM.test(n)) {
      this.pos += 2;
      b.addDyn(src.slice(start, this.pos));
      return;
    }
    b.addLit('$');
    this.pos++;
  }

  private arithmetic(b: WordBuilder): void {
    const src = this.src;
    const start = this.pos;
    let i = this.pos + 3;
    let depth = 2;
    while (i < src.length && depth > 0) {
      const c = src[i]!;
      if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === '\\') i++;
      i++;
    }
    if (depth > 0) throw new ShellSyntaxError('unterminated $((');
    this.pos = i;
    b.risky = true;
    b.addDyn(src.slice(start, this.pos));
  }

  private braced(b: WordBuilder): void {
    const src = this.src;
    const start = this.pos;
    this.pos += 2;
    const contentStart = this.pos;
    const inner = new WordBuilder();
    let depth = 1;
    while (this.pos < src.length) {
      const c = src[this.pos]!;
      if (c === '}') {
        depth--;
        if (depth === 0) break;
        this.pos++;
      } else if (c === '\\') {
        this.pos += 2;
      } else if (c === "'") {
        const end = src.indexOf("'", this.pos + 1);
        if (end < 0) throw new ShellSyntaxError('unterminated single quote');
        this.pos = end + 1;
      } else if (c === '"') {
        this.pos++;
        this.doubleContent(inner, '"');
      } else if (c === '`') {
        this.backtick(inner);
      } else if (c === '$') {
        if (src[this.pos + 1] === '{') depth++;
        if (src[this.pos + 1] === '{') this.pos += 2;
        else this.dollar(inner, true);
      } else {
        this.pos++;
      }
    }
    if (this.pos >= src.length) throw new ShellSyntaxError('unterminated ${');
    const content = src.slice(contentStart, this.pos);
    this.pos++;
    b.subs.push(...inner.subs);
    // bash `${x@P}` re-expands the value as a prompt (running $(…) in it); zsh `${(e)x}` likewise.
    if (inner.risky || content.includes('@') || content.startsWith('(')) b.risky = true;
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(content)) b.addParam(content, src.slice(start, this.pos));
    else b.addDyn(src.slice(start, this.pos));
  }
}

/** Tokens of a whole script. Throws ShellSyntaxError. */
export function lexShell(src: string, depth = 0): Token[] {
  const lexer = new ShellLexer(src, depth);
  lexer.run(false);
  return lexer.tokens;
}

/** One word on its own (an assignment's value, an alias body…). */
export function lexWord(src: string, depth = 0): Word {
  const lexer = new ShellLexer(src, depth);
  if (src.length === 0) {
    return { raw: '', start: 0, end: 0, value: '', parts: [], dynamic: false, quoted: false, glob: false, brace: false, tilde: false, equals: false, risky: false, subs: [] };
  }
  const w = lexer.word();
  if (lexer.pos !== src.length) throw new ShellSyntaxError('not a single word');
  return w;
}
