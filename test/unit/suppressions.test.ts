import * as assert from 'node:assert/strict';
import { parseSuppressions } from '../../src/lint/suppressions';
import type { SourceFile } from '../../src/pack';
import { LineIndex } from '../../src/text-position';

const file = (text: string): SourceFile => ({ displayPath: 'Dockerfile', absPath: '/x/Dockerfile', relPath: 'Dockerfile', text, lines: new LineIndex(text) });

describe('inline suppressions', () => {
  const DOCKERFILE = ['FROM python:3.11-slim AS base', '# stagepack-ignore apt-get-hygiene: the lists are read at run time', 'RUN apt-get update \\', '    && apt-get install -y curl', 'USER 10001', ''];

  it('cover the next instruction and its continuation lines', () => {
    const [s] = parseSuppressions(file(DOCKERFILE.join('\n')));
    assert.deepEqual({ ids: s.ruleIds, reason: s.reason, from: s.from, to: s.to }, { ids: ['apt-get-hygiene'], reason: 'the lists are read at run time', from: 3, to: 4 });
  });

  it('work the same in a file with CRLF line endings', () => {
    const [s] = parseSuppressions(file(DOCKERFILE.join('\r\n')));
    assert.ok(s, 'the suppression was not found');
    assert.deepEqual({ ids: s.ruleIds, reason: s.reason, from: s.from, to: s.to }, { ids: ['apt-get-hygiene'], reason: 'the lists are read at run time', from: 3, to: 4 });
  });

  it('follow the continuation character of a `# escape=` directive', () => {
    const text = ['# escape=`', ...DOCKERFILE.map((l) => l.replace(/\\$/, '`'))].join('\n');
    const [s] = parseSuppressions(file(text));
    assert.deepEqual({ from: s.from, to: s.to }, { from: 4, to: 5 });
  });
});
