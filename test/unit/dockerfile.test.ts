import * as assert from 'node:assert/strict';
import { ancestry, descendsFrom, externalBaseImages, findStage, parseDockerfile, substituteDockerfile } from '../../src/dockerfile';
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
