import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiagnosticSink } from './diagnostics.js';
import { Lexer } from './lexer.js';
import { memoryFiles } from './memory-files.js';

interface Lexed {
  readonly lines: string[];
  readonly at: string[];
  readonly diags: string[];
}

/** Lex `/k/main.conf` from an in-memory file set; lines as space-joined words ("|" between quoted-word boundaries is not needed). */
function lex(files: Record<string, string>, configId: string | null = 'main'): Lexed {
  const sink = new DiagnosticSink();
  const lx = new Lexer({ ...memoryFiles(files), configId, random: () => 7, maxIncludeDepth: 8, maxGeneratedLines: 50 }, sink);
  const lines: string[] = [];
  const at: string[] = [];
  if (lx.open('/k/main.conf')) {
    for (let l = lx.next(); l !== null; l = lx.next()) {
      lines.push(l.words.map((w) => w.text).join(' '));
      at.push(`${l.piece.file.slice(3)}:${l.piece.line}:${l.words.map((w) => w.col).join(',')}`);
    }
  }
  return { lines, at, diags: sink.items.map((d) => `${d.severity} ${d.code} ${d.file.slice(3)}:${d.line}:${d.col}`) };
}

const one = (text: string, configId: string | null = 'main'): Lexed => lex({ '/k/main.conf': text }, configId);

test('comments: # and ! anywhere outside double quotes; blank and comment lines skipped', () => {
  const r = one('# c\n! c\n\n  key value  # tail\nname "a # b" ! tail\nx!y\n');
  assert.deepEqual(r.lines, ['key value', 'name a # b', 'x']);
  assert.deepEqual(r.at, ['main.conf:4:3,7', 'main.conf:5:1,6', 'main.conf:6:1']);
  assert.deepEqual(r.diags, []);
});

test('\\# and \\! lose the backslash outside quotes and are kept; a line is marked for the child re-read', () => {
  const sink = new DiagnosticSink();
  const lx = new Lexer({ ...memoryFiles({ '/k/main.conf': 'a b\\#c \\!d "q\\#"\n' }), configId: null, random: () => 0, maxIncludeDepth: 8, maxGeneratedLines: 10 }, sink);
  lx.open('/k/main.conf');
  const l = lx.next()!;
  assert.deepEqual(l.words.map((w) => w.text), ['a', 'b#c', '!d', 'q\\#']);
  assert.equal(l.unescapedComment, true);
});

test('a trailing backslash is not a continuation', () => {
  assert.deepEqual(one('advert_int \\\n2\n').lines, ['advert_int\\', '2']);
});

test('words: double quotes group and end a word; single quotes are ordinary', () => {
  const r = one(`a "b c"d e"f" 'g h'\n`);
  assert.deepEqual(r.lines, ['a b c d e f \'g h\'']);
  assert.deepEqual(r.at, ['main.conf:1:1,3,8,10,11,15,18']);
});

test('an unterminated quote is reported twice, as keepalived does', () => {
  const r = one('key "open\n');
  assert.deepEqual(r.lines, ['key']);
  assert.deepEqual(r.diags, ['error unterminated-quote main.conf:1:5', 'error unmatched-quote main.conf:1:5']);
});

test('braces get lines of their own; text after a brace is read as the next line', () => {
  const r = one('block { a 1 } tail\n{x\n');
  assert.deepEqual(r.lines, ['block', '{', 'a 1', '}', 'tail', '{', 'x']);
  assert.deepEqual(r.at, ['main.conf:1:1', 'main.conf:1:7', 'main.conf:1:9,11', 'main.conf:1:13', 'main.conf:1:15', 'main.conf:2:1', 'main.conf:2:2']);
});

test('a brace inside double quotes does not split', () => {
  assert.deepEqual(one('a "{x}" {\n').lines, ['a {x}', '{']);
});

test('an extra } is reported where it stands; open braces are remembered', () => {
  const sink = new DiagnosticSink();
  const lx = new Lexer({ ...memoryFiles({ '/k/main.conf': '}\na {\nb {\n}\n' }), configId: null, random: () => 0, maxIncludeDepth: 8, maxGeneratedLines: 10 }, sink);
  lx.open('/k/main.conf');
  while (lx.next()) {
    // read all
  }
  assert.deepEqual(sink.items.map((d) => `${d.code}@${d.line}:${d.col}`), ['extra-brace@1:1']);
  assert.deepEqual(lx.openBraces, [{ file: '/k/main.conf', line: 2, col: 3 }]);
});

test('@id keeps the line for the matching config id, @^id for the others; @id alone drops the line', () => {
  const text = '@main a\n@^main b\n@other c\n@^other d\n@main\n@main    e f\n';
  assert.deepEqual(one(text, 'main').lines, ['a', 'd', 'e f']);
  assert.deepEqual(one(text, null).lines, ['b', 'd']);
  assert.deepEqual(one(text, 'main').at, ['main.conf:1:7', 'main.conf:4:9', 'main.conf:6:10,12']);
});

test('definitions: $NAME=value, ${NAME}, redefinition, undefined names kept, no blank before =', () => {
  const r = one('$A=one\n$A=two\n$B=x${A}y\nk $A $B ${A}z $Q\n$C =3\n');
  assert.deepEqual(r.lines, ['k two xtwoy twoz $Q', '$C =3']);
});

test('$NAME must be followed by a blank, comma, ) or the end of the line', () => {
  assert.deepEqual(one('$A=v\nk $A/24 $A, ($A) $A.x\n').lines, ['k $A/24 v, (v) $A.x']);
});

test('a multi-line definition expands into several lines, each subject to @id; a blank line ends it', () => {
  const r = one('$M=first \\\n  second \\\n\n@main third\nafter\n$M\n');
  assert.deepEqual(r.lines, ['third', 'after', 'first', 'second']);
  const r2 = one('$M=a \\\n@main b \\\n@^main c\n$M\n');
  assert.deepEqual(r2.lines, ['a', 'b']);
});

test('substitution is re-decommented: ${_HASH} comments out the rest of the line', () => {
  assert.deepEqual(one('$DIS=${_HASH}\n$DIS nopreempt\nk ${_BANG}x\nk "${_HASH}"\n').lines, ['k', 'k #']);
});

test('built-ins: ${_INSTANCE}, ${_PWD}, ${_RANDOM MIN MAX}', () => {
  const r = lex({ '/k/main.conf': 'include sub/x.conf\n', '/k/sub/x.conf': 'k ${_INSTANCE} ${_PWD} ${_RANDOM 10 12} ${_RANDOM}\n' });
  assert.deepEqual(r.lines, ['k main /k/sub 11 7']);
});

test('a self-referencing definition stops at the line length limit; an unchanged one is a loop error', () => {
  const grow = one('$X=a$X\n$X\n');
  assert.equal(grow.diags[0], 'warning substitution-too-long main.conf:2:1');
  assert.equal(grow.lines[0]!.length, 1023);
  assert.deepEqual(one('$X=$X\n$X\n').diags, ['error substitution-loop main.conf:2:1']);
});

test('~SEQ: start, step, end, defaults by direction, hex, nesting', () => {
  assert.deepEqual(one('~SEQ(i, 3) a$i\n').lines, ['a1', 'a2', 'a3']);
  assert.deepEqual(one('~SEQ(i, 3, 1) a$i\n').lines, ['a3', 'a2', 'a1']);
  assert.deepEqual(one('~SEQ(i, -2) a$i\n').lines, ['a-1', 'a-2']);
  assert.deepEqual(one('~SEQ(i, 0, 5, 12) a$i\n').lines, ['a0', 'a5', 'a10']);
  assert.deepEqual(one('~SEQx(h, 0x9, 0xb) h$h\n').lines, ['h9', 'ha', 'hb']);
  assert.deepEqual(one('~SEQ(a, 2) ~SEQ(b, 2) ${a}${b}\n').lines, ['11', '12', '21', '22']);
  assert.deepEqual(one('$N=2\n~SEQ(i, $N) a$i\n').lines, ['a1', 'a2']);
});

test('~SEQ errors: bad step, missing end, negative hex', () => {
  assert.deepEqual(one('~SEQ(i, 1, -1, 3) x\n~SEQ(i) x\n~SEQx(i, -1, 2) x\n~SEQ i\n').diags, [
    'error bad-generator main.conf:1:1',
    'error bad-generator main.conf:2:1',
    'error bad-generator main.conf:3:1',
    'error bad-generator main.conf:4:1',
  ]);
});

test('~LST: one variable or several in braces; missing values are blank; too many is an error', () => {
  assert.deepEqual(one('~LST(v, a, b) k $v\n').lines, ['k a', 'k b']);
  assert.deepEqual(one('~LST({x,y}, {1,2}, {3}) k ${x}-${y}.\n').lines, ['k 1-2.', 'k 3-.']);
  assert.deepEqual(one('~LST({x}, {1,2}) k\n').diags, ['error bad-generator main.conf:1:1']);
});

test('generated lines are capped', () => {
  const r = one('~SEQ(i, 1000) k\n');
  assert.equal(r.lines.length, 50);
  assert.deepEqual(r.diags, ['error bad-generator main.conf:1:15']);
});

test('include: relative to the including file, globbed in byte order, brace alternatives', () => {
  const r = lex({
    '/k/main.conf': 'a\ninclude d/*.conf\ninclude e/{y,x}.conf\nz\n',
    '/k/d/2.conf': 'two\n',
    '/k/d/1.conf': 'one\ninclude ../e/x.conf\n',
    '/k/e/x.conf': 'x\n',
    '/k/e/y.conf': 'y\n',
  });
  assert.deepEqual(r.lines, ['a', 'one', 'x', 'two', 'y', 'x', 'z']);
  assert.deepEqual(r.at.map((a) => a.split(':')[0]), ['main.conf', 'd/1.conf', 'e/x.conf', 'd/2.conf', 'e/y.conf', 'e/x.conf', 'main.conf']);
});

test('include failures: plain includes warn, checked includes are errors', () => {
  const r = lex({ '/k/main.conf': 'include nope.conf\ninclude n/*.conf\nincludem nope.conf\nincludew n/*.conf\nincludeb {a,nope}.conf\n', '/k/a.conf': 'a\n' });
  assert.deepEqual(r.diags, [
    'warning include-missing main.conf:1:1',
    'warning include-missing main.conf:2:1',
    'error include-failed main.conf:3:1',
    'error include-failed main.conf:4:1',
    'error include-failed main.conf:5:1',
  ]);
  assert.deepEqual(r.lines, []);
});

test('include cycles are read once; nesting is limited', () => {
  assert.deepEqual(lex({ '/k/main.conf': 'a\ninclude main.conf\nb\n' }).lines, ['a', 'b']);
  assert.deepEqual(lex({ '/k/main.conf': 'a\ninclude main.conf\n' }).diags, ['warning include-cycle main.conf:2:1']);
  const deep: Record<string, string> = { '/k/main.conf': 'include 1.conf\n' };
  for (let i = 1; i < 12; i++) deep[`/k/${i}.conf`] = `l${i}\ninclude ${i + 1}.conf\n`;
  const r = lex(deep);
  assert.deepEqual(r.lines, ['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7']);
  assert.deepEqual(r.diags, ['error include-depth 7.conf:2:1']);
});

test('CR/LF line ends, a missing final newline, a NUL', () => {
  const r = one('a b\r\nc\0ignored\nlast');
  assert.deepEqual(r.lines, ['a b', 'c', 'last']);
  assert.deepEqual(r.diags, ['warning embedded-nul main.conf:2:2']);
});

test('a line over 1023 bytes is read in 1023-byte pieces', () => {
  const r = one(`k ${'x'.repeat(1100)}\n`);
  assert.deepEqual(r.lines.map((l) => l.length), [1023, 79]);
  assert.deepEqual(r.diags, ['warning line-too-long main.conf:1:1']);
});

test('the lexer never reads an unreadable main file', () => {
  assert.deepEqual(lex({}).lines, []);
});
