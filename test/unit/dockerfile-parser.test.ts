import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseInstructions, type RawInstruction } from '../../src/dockerfile-parser';
import { applyOptions } from '../../src/template-options';
import { packTemplates } from './pack-templates';
import { PACKAGE_ROOT } from '../../src/version';
import { referenceInstructions } from './dockerfile-reference';

/**
 * Our Dockerfile reader against dockerfile-ast, the parser it replaced: the same instructions, arguments,
 * flags, properties, stage names and positions on every Dockerfile we have and on the corners of the
 * syntax. One known, intended difference: a comment line inside a continued instruction is dropped from
 * the arguments (as BuildKit drops it), where dockerfile-ast sometimes keeps it; both are compared with
 * such lines removed and whitespace runs collapsed.
 */
function comparable(list: RawInstruction[]): unknown[] {
  return list.map((i) => ({ ...i, args: /<</.test(i.args) ? i.args : i.args.replace(/[ \t]*#[^\n]*\n/g, ' ').replace(/[ \t]+/g, ' ') }));
}

const EDGES: [string, string][] = [
  ['a comment line inside a continuation', 'FROM python:3.11 AS base\nRUN apt-get update \\\n    && apt-get install -y git \\\n # a comment\n    curl\n'],
  ['flags on two lines', 'RUN --mount=type=cache,target=/root/.cache/pip \\\n  --mount=type=bind,source=x,target=y pip install -r r.txt\n'],
  ['ENV pairs, quotes, escapes and the legacy form', 'ENV A=1 B="two words" C=x\\ y\nENV D 4 5\nARG E\nARG F=6\nARG G=1 H\n'],
  ['COPY flags', 'COPY --from=builder --chown=1:1 /a /b\n'],
  ['exec form and a lower-case keyword', 'CMD ["a", "b"]\n  run echo lower\n'],
  ['# escape=`', '# escape=`\nRUN echo a `\n  b\n'],
  ['whitespace after the continuation character', 'RUN echo a \\  \n  b\n'],
  ['an empty continuation line', 'RUN echo a \\\n\n  b\n'],
  ['here-documents', 'RUN <<EOF\necho hi\nEOF\nCOPY <<EOF /x\nhello\nEOF\nRUN <<-EOT bash\n\techo\n\tEOT\n'],
  ['HEALTHCHECK flags', 'HEALTHCHECK --interval=5s CMD curl -f http://x/ || exit 1\n'],
  ['FROM --platform and a stage name', 'FROM --platform=$BUILDPLATFORM node AS b\nLABEL a="b c"\nEXPOSE 80 443/tcp\nFROM base as app\n'],
  ['instructions without arguments', 'RUN\nENV\nFROM x AS\n'],
  ['trailing whitespace', 'WORKDIR  /app  \n'],
  ['a continuation inside quotes', 'RUN echo "a\\\nb"\n'],
  ['CRLF line endings', 'FROM a\r\nRUN x \\\r\n  y\r\n'],
  ['escaped quotes in ENV values', 'ENV A="x\\"y" B=\'q w\'\n'],
  ['an indented comment first', '  # indented comment\nFROM x\n'],
];

describe('our Dockerfile reader, against dockerfile-ast', () => {
  const cases: [string, string][] = [...EDGES];
  for (const { template, variants } of packTemplates()) {
    if (!template.dockerfile) continue;
    for (const variant of variants) cases.push([`${template.folderName} ${variant.option ?? '(defaults)'}=${variant.value ?? ''}`, applyOptions(template.dockerfile.file.text, variant.values)]);
  }
  for (const file of fs.readdirSync(path.join(PACKAGE_ROOT, 'test', 'fixtures'), { recursive: true, withFileTypes: true })) {
    if (file.isFile() && /^Dockerfile/.test(file.name)) cases.push([path.relative(PACKAGE_ROOT, path.join(file.parentPath, file.name)), fs.readFileSync(path.join(file.parentPath, file.name), 'utf8')]);
  }

  it(`reads ${cases.length} Dockerfiles exactly as dockerfile-ast does`, () => {
    assert.ok(cases.length > 60);
    for (const [name, text] of cases) assert.deepEqual(comparable(parseInstructions(text)), comparable(referenceInstructions(text)), name);
  });

  it('never throws on damaged Dockerfiles, and every position is inside the file', () => {
    const base = fs.readFileSync(path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn', 'Dockerfile'), 'utf8');
    const nasty = ['\\', '\\\n', '\n', '#', '"', "'", '=', ' ', '--', '<<EOF\n', 'EOF\n', '`', '\r\n', '\t', 'AS ', '--mount=x '];
    let seed = 20261202;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let n = 0; n < 500; n++) {
      let text = base;
      for (let k = 0; k < 3; k++) {
        const at = Math.floor(random() * text.length);
        text = text.slice(0, at) + nasty[Math.floor(random() * nasty.length)] + text.slice(at);
      }
      const lines = text.split('\n').length;
      for (const i of parseInstructions(text)) {
        for (const p of [i.position, ...i.flags.map((f) => f.position), ...i.properties.map((q) => q.position)]) assert.ok(p.line >= 1 && p.line <= lines && p.column >= 1, `case ${n}: ${JSON.stringify(p)}`);
        assert.ok(i.endLine >= i.position.line && i.endLine <= lines, `case ${n}`);
      }
    }
  });
});
