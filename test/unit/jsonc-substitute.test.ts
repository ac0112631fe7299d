import * as assert from 'node:assert/strict';
import type { Node } from 'jsonc-parser';
import { parseJsonc, substitutedJsonc } from '../../src/jsonc';
import { applyOptionsMapped } from '../../src/template-options';

/**
 * Lint builds each option variant's devcontainer.json from the template's parsed document (substitutedJsonc)
 * instead of parsing the applied text again. That is only allowed when it gives exactly what parsing gives;
 * otherwise it must decline (undefined) so that the text is parsed. Checked against parseJsonc itself.
 */
describe('devcontainer.json variants made from the parsed template', () => {
  const template = `// Python \${templateOption:pythonVersion} /* not a block */
{
  "name": "App (Python \${templateOption:pythonVersion})",
  /* port \${templateOption:port} */
  "build": { "dockerfile": "../Dockerfile", "args": { "PYTHON_VERSION": "\${templateOption:pythonVersion}" } },
  "containerEnv": { "PORT": "\${templateOption:port}", "ESCAPED": "a\\\\b\\u0041" },
  "portsAttributes": { "other": {}, "9000": {}, "\${templateOption:port}": { "label": "app \${templateOption:port}" }, "last": {} },
  "forwardPorts": [8000, "\${templateOption:port}\${templateOption:port}"],
  "dup": { "x": "first \${templateOption:port}", "x": "last" },
  "trailing": true,
}
`;
  const doc = parseJsonc(template);

  /** The tree without parent links, comparable with deepEqual. */
  function plain(node: Node | undefined): unknown {
    return node && { type: node.type, offset: node.offset, length: node.length, value: node.value, colonOffset: node.colonOffset, children: node.children?.map(plain) };
  }

  const values = ['3.13', '', 'x y', '8080', '9000', 'other', 'é€😀', 'a/b', '*/', 'a"b', 'a\\b', 'line\nbreak', 'tab\there', '\u2028', '}', '${templateOption:port}'];

  it('gives what parsing the applied text gives, or declines, for every value tried', () => {
    assert.equal(doc.errors.length, 0);
    let made = 0;
    for (const pythonVersion of values) {
      for (const port of values) {
        const applied = applyOptionsMapped(template, { pythonVersion, port });
        const parsed = parseJsonc(applied.text);
        const substituted = substitutedJsonc(doc, applied.text, applied.edits);
        if (!substituted) continue;
        made++;
        const label = JSON.stringify({ pythonVersion, port });
        assert.equal(parsed.errors.length, 0, label);
        assert.deepEqual(plain(substituted.tree), plain(parsed.tree), label);
        assert.deepEqual(substituted.value, parsed.value, label);
        // Key order too (deepEqual ignores it; rules and schema errors follow it).
        assert.equal(JSON.stringify(substituted.value), JSON.stringify(parsed.value), label);
        assert.equal(substituted.text, applied.text);
      }
    }
    // Most values are plain text: the cheap path is really taken.
    assert.ok(made >= 60, `made ${made}`);
  });

  it('declines a value that would change a token: a quote, a backslash, a line break, a comment end', () => {
    for (const bad of ['a"b', 'a\\b', 'line\nbreak', '*/']) {
      const applied = applyOptionsMapped(template, { pythonVersion: bad, port: '8000' });
      assert.equal(substitutedJsonc(doc, applied.text, applied.edits), undefined, JSON.stringify(bad));
    }
  });

  it('declines a placeholder in a string written with an escape (the value read is not the text written)', () => {
    const escaped = parseJsonc('{ "a": "\\u0041 ${templateOption:x}" }');
    const applied = applyOptionsMapped(escaped.text, { x: 'y' });
    assert.equal(substitutedJsonc(escaped, applied.text, applied.edits), undefined);
  });

  it('declines a document with syntax errors', () => {
    const broken = parseJsonc('{ "name": "${templateOption:x}" "other": 1 }');
    assert.ok(broken.errors.length);
    const applied = applyOptionsMapped(broken.text, { x: 'y' });
    assert.equal(substitutedJsonc(broken, applied.text, applied.edits), undefined);
  });
});
