import * as assert from 'node:assert/strict';
import { ancestry, descendsFrom, externalBaseImages, findStage, parseDockerfile, substituteDockerfile } from '../../src/dockerfile';
import { applyOptions } from '../../src/template-options';
import { prng } from './prng';
import { packTemplates } from './pack-templates';

const SHARED = [
  'ARG PYTHON_VERSION=3.11',
  'FROM python:${PYTHON_VERSION}-slim-bookworm AS base',
  'FROM base AS builder',
  'RUN echo build',
  'FROM base AS Development',
  'FROM builder AS app',
  'COPY --from=builder /opt/venv /opt/venv',
  '',
].join('\n');

describe('Dockerfile stage graph', () => {
  const model = parseDockerfile(SHARED);

  it('lists stages with lower-cased names and 1-based positions', () => {
    assert.deepEqual(model.stages.map((s) => [s.name, s.from, s.fromPosition.line]), [
      ['base', 'python:${PYTHON_VERSION}-slim-bookworm', 2],
      ['builder', 'base', 3],
      ['development', 'base', 5],
      ['app', 'builder', 6],
    ]);
    assert.deepEqual(model.stages[2].namePosition, { line: 5, column: 14 });
  });

  it('follows parents through intermediate stages', () => {
    const app = findStage(model, 'APP');
    assert.ok(app);
    assert.deepEqual(ancestry(model, app).map((s) => s.name), ['app', 'builder', 'base']);
    assert.equal(descendsFrom(model, app, 'base'), true);
    assert.equal(descendsFrom(model, app, 'development'), false);
  });

  it('does not take an image with a tag for a stage of the same name', () => {
    const m = parseDockerfile('FROM python:3.11 AS python\nFROM python:3.12 AS app\n');
    assert.equal(m.stages[1].parent, undefined);
  });

  it('expands global ARG defaults in external base images, build args first', () => {
    assert.deepEqual(externalBaseImages(model), ['python:3.11-slim-bookworm']);
    assert.deepEqual(externalBaseImages(model, { PYTHON_VERSION: '3.13' }), ['python:3.13-slim-bookworm']);
  });

  it('leaves out scratch and stage references', () => {
    assert.deepEqual(externalBaseImages(parseDockerfile('FROM scratch AS a\nFROM a AS b\nFROM debian:bookworm-slim AS c\n')), ['debian:bookworm-slim']);
  });
});

describe('substituting one option on top of the defaults', () => {
  it('gives exactly the model a full substitution gives, for every variant of every template in the pack', () => {
    let compared = 0;
    for (const { template, variants } of packTemplates()) {
      if (!template.dockerfile) continue;
      const defaults = substituteDockerfile(template.dockerfile.model, variants[0].values);
      assert.ok(defaults);
      for (const variant of variants.slice(1)) {
        const full = substituteDockerfile(template.dockerfile.model, variant.values);
        const incremental = substituteDockerfile(template.dockerfile.model, variant.values, { model: defaults, option: variant.option ?? '' });
        assert.deepEqual(incremental, full, `${template.folderName} ${variant.option}=${variant.value}`);
        compared++;
      }
    }
    assert.ok(compared > 20, `only ${compared} variants compared`);
  });
});

describe('a Dockerfile substituted in its parsed model', () => {
  it('is the parse of the applied text, or is left to that parse (20,000 random instructions and values)', () => {
    // Pieces that matter to how a line is read: whitespace of every kind, comment marks, escapes and
    // continuations, quotes, flags, here-documents, new instructions, and placeholders with whitespace
    // inside; values plain and not. A quarter of the files start with an `# escape=` directive written
    // with a placeholder.
    const pieces = ['${templateOption:a}', '${templateOption: b }', '${templateOption:\tc}', '${templateOption:none}', 'echo', 'x', ' ', '  ', '\t', '\u00a0', '#', ' # ', '\\', '\\ ', '\\\n', '\n', '\n# note\n', '"', "'", '&&', '=', '\r', '\u2028', '--mount=type=cache,target=${templateOption:a}', '<<', 'EOF', '\nEOF\n', 'COPY ', '\nRUN ', '`', '-'];
    const choices = ['1', 'x.y', 'p/q', 'a b', '', '#x', 'x#', 'é', '\u00a0', 'x\ty', '-', '8000', '--x', 'EOF', '`', 'a=b', 'a,b', '"q"'];
    const random = prng(11);
    const next = (n: number) => Math.floor(random() * n);
    // Lines are the same in both; columns after a placeholder are the template's own in the substituted model
    // (where the author edits), the applied text's in its parse.
    const shape = (model: ReturnType<typeof parseDockerfile>) =>
      model.instructions.map((i) => ({
        keyword: i.keyword,
        args: i.args,
        command: i.command,
        flags: i.flags.map((f) => ({ name: f.name, value: f.value, options: f.options, line: f.position.line })),
        properties: i.properties.map((p) => ({ name: p.name, value: p.value, line: p.position.line })),
        line: i.position.line,
        endLine: i.endLine,
      }));
    let compared = 0;
    for (let k = 0; k < 20_000; k++) {
      let args = '';
      for (let j = 1 + next(8); j > 0; j--) args += pieces[next(pieces.length)];
      const text = `${next(4) === 0 ? '# escape=${templateOption:c}\n' : ''}FROM python AS base\nRUN ${args}\n`;
      const values = { a: choices[next(choices.length)], b: choices[next(choices.length)], c: choices[next(choices.length)] };
      const substituted = substituteDockerfile(parseDockerfile(text), values);
      if (!substituted) continue; // a value that must be read in the applied text: lint parses it
      assert.deepEqual(shape(substituted), shape(parseDockerfile(applyOptions(text, values))), JSON.stringify({ text, values }));
      compared++;
    }
    assert.ok(compared > 6_000, `only ${compared} compared`);
  });
});
