import * as assert from 'node:assert/strict';
import { applyOptions, defaultOptionValues, findPlaceholders } from '../../src/template-options';

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

  it('finds placeholders with their offsets', () => {
    assert.deepEqual(findPlaceholders('ab${templateOption:x}c'), [{ name: 'x', offset: 2, length: 19 }]);
  });

  it('builds the -a argument from defaults, as strings', () => {
    assert.deepEqual(defaultOptionValues({ a: { default: '1' }, b: { default: true }, c: { type: 'string' } }), { a: '1', b: 'true' });
  });
});
