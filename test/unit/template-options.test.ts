import * as assert from 'node:assert/strict';
import { own } from '../../src/jsonc';
import { applyOptions, applyOptionsMapped, defaultOptionValues, findNearPlaceholders, findPlaceholders, NEAR_PLACEHOLDER_PATTERN, optionVariants, PLACEHOLDER_PATTERN } from '../../src/template-options';
import { prng } from './prng';

describe('template option substitution (as devcontainer templates apply does it)', () => {
  it('replaces declared names, tolerating spaces inside the braces', () => {
    assert.equal(applyOptions('py${templateOption:v}-${templateOption: v }', { v: '3.11' }), 'py3.11-3.11');
  });

  it('replaces an unknown name with an empty string', () => {
    assert.equal(applyOptions('port=${templateOption:port};', {}), 'port=;');
  });

  it('turns falsy values (false, "") into an empty string', () => {
    assert.equal(applyOptions('[${templateOption:a}][${templateOption:b}]', { a: false, b: '' }), '[][]');
  });

  it('never replaces a hyphenated name', () => {
    assert.equal(applyOptions('${templateOption:python-version}', { 'python-version': '3.11' }), '${templateOption:python-version}');
  });

  it('does not escape values (a quote would break JSON)', () => {
    assert.equal(applyOptions('"${templateOption:x}"', { x: 'a"b' }), '"a"b"');
  });

  it('substitutes and finds placeholders exactly as the CLI\'s regular expression does (read by hand here; 20,000 random texts)', () => {
    const cli = (text: string, values: Record<string, string>) => text.replace(PLACEHOLDER_PATTERN, (_whole, name: string) => own(values, name) || '');
    const pieces = ['${templateOption:', '${templateOption: ', 'a', 'b_1', ' ', '\t', '\u00a0', '}', '$', '{', 'x-y', '\n', 'constructor', '__proto__', '${', 'é'];
    const values = { a: 'A', b_1: 'B', constructor: '', x: 'X' };
    const random = prng(7);
    const next = (n: number) => Math.floor(random() * n);
    for (let k = 0; k < 20_000; k++) {
      let text = '';
      for (let j = 1 + next(10); j > 0; j--) text += pieces[next(pieces.length)];
      assert.equal(applyOptions(text, values), cli(text, values), JSON.stringify(text));
      assert.deepEqual(findPlaceholders(text), [...text.matchAll(PLACEHOLDER_PATTERN)].map((m) => ({ name: m[1], offset: m.index, length: m[0].length })), JSON.stringify(text));
      const near = [...text.matchAll(NEAR_PLACEHOLDER_PATTERN)].filter((m) => !new RegExp(PLACEHOLDER_PATTERN.source).test(m[0]));
      assert.deepEqual(findNearPlaceholders(text), near.map((m) => ({ text: m[0], offset: m.index })), JSON.stringify(text));
    }
  });

  it('maps every offset of the applied text back to the template\'s (5,000 random texts)', () => {
    const pieces = ['${templateOption:a}', '${templateOption: b }', '${templateOption:none}', 'x', 'yz', ' ', '\n', '${', '}'];
    const values = { a: 'AAA', b: '' };
    const random = prng(3);
    const next = (n: number) => Math.floor(random() * n);
    for (let k = 0; k < 5_000; k++) {
      let text = '';
      for (let j = 1 + next(8); j > 0; j--) text += pieces[next(pieces.length)];
      const applied = applyOptionsMapped(text, values);
      assert.equal(applied.text, applyOptions(text, values), JSON.stringify(text));
      assert.equal(applied.changed, findPlaceholders(text).length > 0);
      // Expected, character by character: a literal maps to itself, a replaced one to its placeholder's start.
      const expected: number[] = [];
      let at = 0;
      for (const use of findPlaceholders(text)) {
        for (; at < use.offset; at++) expected.push(at);
        const value = own(values, use.name);
        for (let c = 0; c < (value ? value.length : 0); c++) expected.push(use.offset);
        at = use.offset + use.length;
      }
      for (; at <= text.length; at++) expected.push(at);
      assert.deepEqual(Array.from({ length: applied.text.length + 1 }, (_, offset) => applied.toSource(offset)), expected, JSON.stringify(text));
    }
  });

  it('finds placeholders with their offsets', () => {
    assert.deepEqual(findPlaceholders('ab${templateOption:x}c'), [{ name: 'x', offset: 2, length: 19 }]);
  });

  it('builds the -a argument from defaults, as strings', () => {
    assert.deepEqual(defaultOptionValues({ a: { default: '1' }, b: { default: true }, c: { type: 'string' } }), { a: '1', b: 'true' });
  });
});

describe('option variants', () => {
  it('are the defaults, then each other proposal or enum value of one option at a time', () => {
    const variants = optionVariants({ v: { default: '3.11', proposals: ['3.11', '3.12'] }, p: { default: '8000', enum: ['8000', '8080'] }, b: { type: 'boolean', default: true } });
    assert.deepEqual(variants.map((x) => [x.option, x.value, x.values]), [
      [undefined, undefined, { v: '3.11', p: '8000', b: 'true' }],
      ['v', '3.12', { v: '3.12', p: '8000', b: 'true' }],
      ['p', '8080', { v: '3.11', p: '8080', b: 'true' }],
      ['b', 'false', { v: '3.11', p: '8000', b: 'false' }],
    ]);
  });

  it('skip values that are not scalars instead of throwing (found by the fuzz test)', () => {
    const objectValue = Object.create(null) as object; // jsonc-parser builds objects without a prototype
    assert.deepEqual(optionVariants({ v: { default: objectValue, proposals: [objectValue, '3.12'] } }).map((x) => x.values), [{}, { v: '3.12' }]);
  });
});

describe('a variant\'s values', () => {
  for (const many of [false, true]) {
    it(`read like a plain object of every option, one changed (${many ? '100 options: a view, no copy' : 'three options: a copy'})`, () => {
      const extra = many ? Object.fromEntries(Array.from({ length: 97 }, (_, i) => [`o${i}`, { type: 'string', default: `d${i}` }])) : {};
      const variants = optionVariants({ port: { type: 'string', default: '8000', proposals: ['8000', '8080'] }, constructor: { type: 'string', default: 'c' }, debug: { type: 'boolean', default: 'false' }, ...extra });
      const port = variants.find((v) => v.option === 'port');
      assert.ok(port);
      const expected = { port: '8080', constructor: 'c', debug: 'false', ...Object.fromEntries(Object.keys(extra).map((k, i) => [k, `d${i}`])) };
      assert.equal(JSON.stringify(port.values), JSON.stringify(expected));
      assert.deepEqual({ ...port.values }, expected);
      assert.deepEqual(Object.keys(port.values), Object.keys(expected));
      assert.equal(applyOptions('${templateOption:port} ${templateOption:constructor} [${templateOption:toString}]', port.values), '8080 c []');
      assert.equal(variants[0].values.port, '8000', 'the defaults are unchanged');
    });
  }
});
