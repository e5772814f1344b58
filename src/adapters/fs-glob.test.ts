import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { componentRegExp, expandBraces, globSync, hasWildcard } from './fs-glob.js';

describe('expandBraces', () => {
  test('expands alternatives in order, nested and several groups', () => {
    assert.deepEqual(expandBraces('a{b,c}d'), ['abd', 'acd']);
    assert.deepEqual(expandBraces('{x,y{1,2}}.conf'), ['x.conf', 'y1.conf', 'y2.conf']);
    assert.deepEqual(expandBraces('{a,b}/{c,d}'), ['a/c', 'a/d', 'b/c', 'b/d']);
    assert.deepEqual(expandBraces('{,v}x'), ['x', 'vx']);
  });
  test('leaves unclosed and escaped braces alone', () => {
    assert.deepEqual(expandBraces('a{b,c'), ['a{b,c']);
    assert.deepEqual(expandBraces('a\\{b,c}'), ['a\\{b,c}']);
    assert.deepEqual(expandBraces('plain'), ['plain']);
  });
});

describe('component patterns', () => {
  test('wildcard detection honours escapes', () => {
    assert.equal(hasWildcard('a*'), true);
    assert.equal(hasWildcard('a?'), true);
    assert.equal(hasWildcard('[ab]'), true);
    assert.equal(hasWildcard('a\\*'), false);
    assert.equal(hasWildcard('abc'), false);
  });
  test('*, ?, brackets, negation, ranges and a literal ] first', () => {
    const m = (p: string, s: string) => componentRegExp(p).test(s);
    assert.equal(m('*.conf', 'a.conf'), true);
    assert.equal(m('*.conf', 'a.conf.bak'), false);
    assert.equal(m('?.conf', 'ab.conf'), false);
    assert.equal(m('vs[0-9].conf', 'vs7.conf'), true);
    assert.equal(m('vs[!0-9].conf', 'vs7.conf'), false);
    assert.equal(m('vs[^0-9].conf', 'vsx.conf'), true);
    assert.equal(m('[]x]', ']'), true);
    assert.equal(m('a[b', 'a[b'), true);
    assert.equal(m('a\\*', 'a*'), true);
    assert.equal(m('a\\*', 'ab'), false);
    assert.equal(m('x.y', 'xzy'), false);
  });
});

describe('globSync on a directory tree', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsvs-glob-'));
    mkdirSync(join(dir, 'conf.d'));
    mkdirSync(join(dir, 'other'));
    for (const f of ['conf.d/b.conf', 'conf.d/a.conf', 'conf.d/B.conf', 'conf.d/.hidden.conf', 'conf.d/x.txt', 'other/c.conf']) {
      writeFileSync(join(dir, f), '');
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('matches the last component, sorted bytewise, skipping dot files', () => {
    assert.deepEqual(globSync(`${dir}/conf.d/*.conf`), [`${dir}/conf.d/B.conf`, `${dir}/conf.d/a.conf`, `${dir}/conf.d/b.conf`]);
  });
  test('a leading dot in the pattern matches dot files', () => {
    assert.deepEqual(globSync(`${dir}/conf.d/.*.conf`), [`${dir}/conf.d/.hidden.conf`]);
  });
  test('wildcards in a directory component', () => {
    assert.deepEqual(globSync(`${dir}/*/c.conf`), [`${dir}/other/c.conf`]);
    assert.deepEqual(globSync(`${dir}/*/?.conf`), [
      `${dir}/conf.d/B.conf`,
      `${dir}/conf.d/a.conf`,
      `${dir}/conf.d/b.conf`,
      `${dir}/other/c.conf`,
    ]);
  });
  test('brace alternatives keep the order written', () => {
    assert.deepEqual(globSync(`${dir}/conf.d/{b,a}.conf`), [`${dir}/conf.d/b.conf`, `${dir}/conf.d/a.conf`]);
  });
  test('a literal path is returned only when it exists', () => {
    assert.deepEqual(globSync(`${dir}/conf.d/a.conf`), [`${dir}/conf.d/a.conf`]);
    assert.deepEqual(globSync(`${dir}/conf.d/none.conf`), []);
    assert.deepEqual(globSync(`${dir}/nodir/*.conf`), []);
    assert.deepEqual(globSync(`${dir}/conf.d/*.none`), []);
  });
  test('relative patterns resolve against the working directory and stay relative', () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      assert.deepEqual(globSync('other/*.conf'), ['other/c.conf']);
      assert.deepEqual(globSync('*/x.*'), ['conf.d/x.txt']);
    } finally {
      process.chdir(cwd);
    }
  });
});
