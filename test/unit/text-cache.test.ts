import * as assert from 'node:assert/strict';
import { TextCache } from '../../src/text-cache';

describe('TextCache', () => {
  const counting = () => {
    const parsed: string[] = [];
    return { parsed, parse: (text: string) => (parsed.push(text), { text }) };
  };

  it('parses a text once while it is kept, and gives the very same result', () => {
    const { parsed, parse } = counting();
    const cache = new TextCache(parse, 100);
    const first = cache.get('FROM a');
    assert.equal(cache.get('FROM a'), first);
    assert.deepEqual(parsed, ['FROM a']);
  });

  it('starts again empty when the budget of characters is spent', () => {
    const { parsed, parse } = counting();
    const cache = new TextCache(parse, 10);
    cache.get('aaaa'); // 4 of 10
    cache.get('bbbb'); // 8 of 10
    cache.get('aaaa'); // kept
    cache.get('cccc'); // 12 > 10: cleared, then kept alone
    cache.get('cccc'); // kept
    cache.get('aaaa'); // gone with the clear
    assert.deepEqual(parsed, ['aaaa', 'bbbb', 'cccc', 'aaaa']);
  });

  it('parses a text larger than the whole budget every time, and keeps what it had', () => {
    const { parsed, parse } = counting();
    const cache = new TextCache(parse, 5);
    cache.get('ab');
    cache.get('0123456789');
    cache.get('0123456789');
    cache.get('ab');
    assert.deepEqual(parsed, ['ab', '0123456789', '0123456789']);
  });

  it('remembers a result that is undefined', () => {
    let calls = 0;
    const cache = new TextCache((): string[] | undefined => (calls++, undefined), 100);
    assert.equal(cache.get('CMD x'), undefined);
    assert.equal(cache.get('CMD x'), undefined);
    assert.equal(calls, 1);
  });
});
