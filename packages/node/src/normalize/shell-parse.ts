/**
 * Turns shell tokens into the simple commands a script can run, in source
 * order, whatever the control flow: every command that appears is reported
 * (a command in a branch that never runs is still reported: the check is
 * conservative). Reserved words, `case` patterns, function definitions,
 * `[[ … ]]` and redirections are recognised so they are not mistaken for
 * commands. Constructs that hide what runs (`((…))`, `coproc`) and anything
 * malformed throw ShellSyntaxError: the caller treats the text as opaque.
 */
import { ShellSyntaxError, type Token, type Word, lexShell, lexWord } from './shell-lex.js';

export interface Assignment {
  readonly name: string;
  readonly value: Word;
}

export interface SimpleCommand {
  /** Command name first; empty for assignment-only commands and syntax-only pieces. */
  readonly words: readonly Word[];
  readonly assignments: readonly Assignment[];
  /** Substitution bodies anywhere in the command (words, assignments, redirections, here-documents). */
  readonly subs: readonly string[];
  /** Something in it can run code the text does not show. */
  readonly risky: boolean;
  /** Source text, for display. */
  readonly raw: string;
  /** Not a command: a `for` list, `case` word, `[[ ]]` test or pattern (only its substitutions matter). */
  readonly syntaxOnly: boolean;
}

export interface ParsedScript {
  readonly commands: readonly SimpleCommand[];
  /** Names defined as functions in the script: calling one runs its (checked) body. */
  readonly functions: ReadonlySet<string>;
}

const SEPARATORS = new Set([';', '&', '&&', '||', '|', '|&', '\n']);
const CASE_END = new Set([';;', ';&', ';;&']);
const OPENERS = new Set(['!', 'if', 'then', 'else', 'elif', 'do', 'while', 'until']);
const CLOSERS = new Set(['fi', 'done']);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?\+?=/;
const ARITHMETIC_TEST = new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge']);

function isReserved(w: Word, name: string): boolean {
  return !w.quoted && !w.dynamic && w.value === name;
}

class Builder {
  words: Word[] = [];
  assignments: Assignment[] = [];
  subs: string[] = [];
  risky = false;
  start = -1;
  end = -1;
  syntaxOnly = false;

  touch(start: number, end: number): void {
    if (this.start < 0) this.start = start;
    this.end = Math.max(this.end, end);
  }

  absorb(w: Word): void {
    this.subs.push(...w.subs);
    if (w.risky) this.risky = true;
    this.touch(w.start, w.end);
  }

  get empty(): boolean {
    return this.words.length === 0 && this.assignments.length === 0 && this.subs.length === 0 && !this.risky && this.start < 0;
  }
}

type Frame = 'group' | 'subshell' | 'case-pattern' | 'case-body';

export function parseShell(src: string, depth = 0): ParsedScript {
  const tokens = lexShell(src, depth);
  return new Parser(src, tokens, depth).parse();
}

class Parser {
  private i = 0;
  private cur = new Builder();
  private atStart = true;
  private readonly out: SimpleCommand[] = [];
  private readonly stack: Frame[] = [];
  private readonly functions = new Set<string>();

  constructor(
    private readonly src: string,
    private readonly tokens: readonly Token[],
    private readonly depth: number,
  ) {}

  parse(): ParsedScript {
    while (this.i < this.tokens.length) this.step();
    this.flush();
    if (this.stack.length > 0) throw new ShellSyntaxError(`unclosed ${this.stack[this.stack.length - 1]}`);
    return { commands: this.out, functions: this.functions };
  }

  private flush(): void {
    const b = this.cur;
    if (!b.empty) {
      this.out.push({
        words: b.words,
        assignments: b.assignments,
        subs: b.subs,
        risky: b.risky,
        raw: b.start >= 0 ? this.src.slice(b.start, b.end) : '',
        syntaxOnly: b.syntaxOnly,
      });
    }
    this.cur = new Builder();
  }

  private top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  private step(): void {
    const tok = this.tokens[this.i]!;
    if (this.top() === 'case-pattern' && this.atStart && !(tok.t === 'op' && tok.op === '\n')) return this.casePattern();
    if (tok.t === 'op') return this.operator(tok.op, tok.start, tok.end);
    if (tok.t === 'redir') return this.redirection(tok);
    const w = tok.w;
    this.i++;
    if (this.atStart && this.cur.words.length === 0 && this.cur.assignments.length === 0 && this.keyword(w)) return;
    if (this.cur.words.length === 0) {
      const m = ASSIGNMENT.exec(w.raw);
      if (m) {
        this.assignment(w, m[1]!, m[0].length, m[2]);
        return;
      }
    }
    this.cur.words.push(w);
    this.cur.absorb(w);
    this.atStart = false;
  }

  private operator(op: string, start: number, end: number): void {
    this.i++;
    if (SEPARATORS.has(op)) {
      this.flush();
      this.atStart = true;
      return;
    }
    if (CASE_END.has(op)) {
      if (this.top() !== 'case-body') throw new ShellSyntaxError(`${op} outside case`);
      this.flush();
      this.stack[this.stack.length - 1] = 'case-pattern';
      this.atStart = true;
      return;
    }
    if (op === '(') {
      const next = this.tokens[this.i];
      if (this.atStart && this.cur.words.length === 0 && this.cur.assignments.length === 0) {
        // `((…))` is arithmetic, which can run code hidden in variables.
        if (next && next.t === 'op' && next.op === '(' && next.start === end) throw new ShellSyntaxError('arithmetic command');
        this.flush();
        this.stack.push('subshell');
        return;
      }
      if (this.cur.words.length === 1 && this.cur.assignments.length === 0 && next && next.t === 'op' && next.op === ')') {
        // name () compound-command
        const name = this.cur.words[0]!;
        if (name.dynamic || name.quoted) throw new ShellSyntaxError('odd function name');
        this.functions.add(name.value);
        this.i++;
        this.cur = new Builder();
        this.atStart = true;
        return;
      }
      const lastAssign = this.cur.assignments[this.cur.assignments.length - 1];
      if (this.cur.words.length === 0 && lastAssign && lastAssign.value.raw === '' && lastAssign.value.end === start) {
        this.arrayAssignment();
        return;
      }
      throw new ShellSyntaxError('unexpected (');
    }
    if (op === ')') {
      if (this.top() !== 'subshell') throw new ShellSyntaxError('unexpected )');
      this.flush();
      this.stack.pop();
      this.atStart = false;
      return;
    }
    throw new ShellSyntaxError(`unexpected ${op}`);
  }

  private redirection(tok: Extract<Token, { t: 'redir' }>): void {
    this.i++;
    const target = this.tokens[this.i];
    if (!target || target.t !== 'word') throw new ShellSyntaxError(`${tok.op} without a target`);
    this.i++;
    this.cur.absorb(target.w);
    this.cur.touch(tok.start, tok.end);
    // bash opens network connections for these paths itself: no program to check.
    if (/^\/dev\/(tcp|udp)\//.test(target.w.value)) this.cur.risky = true;
    if (tok.heredoc) {
      this.cur.subs.push(...tok.heredoc.subs);
      if (tok.heredoc.risky) this.cur.risky = true;
    }
  }

  /** Handles a reserved word in command position; returns false when the word is an ordinary one. */
  private keyword(w: Word): boolean {
    if (w.quoted || w.dynamic) return false;
    const k = w.value;
    if (OPENERS.has(k)) return true;
    if (k === 'time') {
      const next = this.tokens[this.i];
      if (next && next.t === 'word' && isReserved(next.w, '-p')) this.i++;
      return true;
    }
    if (k === '{') {
      this.stack.push('group');
      return true;
    }
    if (k === '}') {
      if (this.top() !== 'group') throw new ShellSyntaxError('unexpected }');
      this.stack.pop();
      this.atStart = false;
      return true;
    }
    if (CLOSERS.has(k)) {
      this.atStart = false;
      return true;
    }
    if (k === 'esac') {
      if (this.top() !== 'case-body' && this.top() !== 'case-pattern') throw new ShellSyntaxError('unexpected esac');
      this.stack.pop();
      this.atStart = false;
      return true;
    }
    if (k === 'for' || k === 'select') return this.forLoop();
    if (k === 'case') return this.caseStart();
    if (k === 'function') return this.functionKeyword();
    if (k === '[[') return this.doubleBracket(w);
    if (k === 'coproc') throw new ShellSyntaxError('coproc');
    return false;
  }

  private nextWord(what: string): Word {
    const t = this.tokens[this.i];
    if (!t || t.t !== 'word') throw new ShellSyntaxError(`expected ${what}`);
    this.i++;
    return t.w;
  }

  private skipNewlines(): void {
    while (this.tokens[this.i]?.t === 'op' && (this.tokens[this.i] as { op: string }).op === '\n') this.i++;
  }

  private forLoop(): boolean {
    const next = this.tokens[this.i];
    if (next && next.t === 'op' && next.op === '(') throw new ShellSyntaxError('arithmetic for');
    const name = this.nextWord('a loop variable');
    const piece = new Builder();
    piece.syntaxOnly = true;
    piece.absorb(name);
    this.skipNewlines();
    const t = this.tokens[this.i];
    if (t && t.t === 'word' && isReserved(t.w, 'in')) {
      this.i++;
      while (this.i < this.tokens.length && this.tokens[this.i]!.t === 'word') piece.absorb((this.tokens[this.i++] as { w: Word }).w);
    }
    this.pushPiece(piece);
    return true;
  }

  private caseStart(): boolean {
    const subject = this.nextWord('a case word');
    const piece = new Builder();
    piece.syntaxOnly = true;
    piece.absorb(subject);
    this.pushPiece(piece);
    this.skipNewlines();
    const inWord = this.nextWord('in');
    if (!isReserved(inWord, 'in')) throw new ShellSyntaxError('case without in');
    this.stack.push('case-pattern');
    this.atStart = true;
    return true;
  }

  private casePattern(): void {
    const first = this.tokens[this.i]!;
    if (first.t === 'word' && isReserved(first.w, 'esac')) {
      this.i++;
      this.stack.pop();
      this.atStart = false;
      return;
    }
    const piece = new Builder();
    piece.syntaxOnly = true;
    for (;;) {
      const t = this.tokens[this.i];
      if (!t) throw new ShellSyntaxError('unterminated case pattern');
      this.i++;
      if (t.t === 'word') piece.absorb(t.w);
      else if (t.t === 'op' && t.op === ')') break;
      else if (t.t === 'op' && (t.op === '|' || t.op === '(')) continue;
      else throw new ShellSyntaxError('odd case pattern');
    }
    this.pushPiece(piece);
    this.stack[this.stack.length - 1] = 'case-body';
    this.atStart = true;
  }

  private functionKeyword(): boolean {
    const name = this.nextWord('a function name');
    if (name.dynamic) throw new ShellSyntaxError('odd function name');
    this.functions.add(name.value);
    const t = this.tokens[this.i];
    const u = this.tokens[this.i + 1];
    if (t && t.t === 'op' && t.op === '(' && u && u.t === 'op' && u.op === ')') this.i += 2;
    this.atStart = true;
    return true;
  }

  private doubleBracket(open: Word): boolean {
    const piece = new Builder();
    piece.syntaxOnly = true;
    piece.absorb(open);
    for (;;) {
      const t = this.tokens[this.i];
      if (!t) throw new ShellSyntaxError('unterminated [[');
      this.i++;
      if (t.t === 'word') {
        if (isReserved(t.w, ']]')) break;
        // bash evaluates the operands of arithmetic tests, subscripts included.
        if (!t.w.quoted && ARITHMETIC_TEST.has(t.w.value)) piece.risky = true;
        piece.absorb(t.w);
      }
    }
    this.pushPiece(piece);
    this.atStart = false;
    return true;
  }

  private pushPiece(piece: Builder): void {
    this.flush();
    this.cur = piece;
    this.flush();
  }

  private assignment(w: Word, name: string, prefixLength: number, subscript: string | undefined): void {
    let value: Word;
    try {
      value = lexWord(w.raw.slice(prefixLength), this.depth);
    } catch {
      throw new ShellSyntaxError('odd assignment');
    }
    const shifted: Word = { ...value, start: w.start + prefixLength, end: w.end };
    this.cur.assignments.push({ name, value: shifted });
    this.cur.absorb(w);
    if (subscript && /[$`]/.test(subscript)) this.cur.risky = true;
  }

  private arrayAssignment(): void {
    // name=( words… )
    for (;;) {
      const t = this.tokens[this.i];
      if (!t) throw new ShellSyntaxError('unterminated array');
      this.i++;
      if (t.t === 'op' && t.op === ')') return;
      if (t.t === 'op' && t.op === '\n') continue;
      if (t.t !== 'word') throw new ShellSyntaxError('odd array');
      this.cur.absorb(t.w);
    }
  }
}
