import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintTargets } from '../../src/lint/lint';
import { discoverTargets, setSubstitution } from '../../src/pack';
import { PACKAGE_ROOT } from '../../src/version';
import { prng } from './prng';

/**
 * Lint makes an option variant's devcontainer.json, compose model and Dockerfile model by putting the values
 * into the template's parsed files, and parses the applied text only when a value could be read differently
 * (a quote in an ARG, a comma in a flag, a line continuation...). The ground truth is the parse of what
 * `devcontainer templates apply` writes: with substitution turned off, every variant is parsed so. Copies of
 * the pack's templates, with hostile option values and placeholders in more places, must lint alike both ways.
 */
describe('option variants made by substitution lint like the applied files parsed', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-variant-substitution-'));
  });
  after(() => {
    setSubstitution(true);
    fs.rmSync(root, { recursive: true, force: true });
  });

  const VALUES = ['8080', 'a"b', "a'b", 'a\\b', 'x\ny', 'x \\\ny', '*/', 'base', 'app', 'root', '', '3.13', '.', 'a b', ' lead', 'trail ', '${PORT}', 'python:3.11-alpine', 'x}', '", "workspaceMount": "source=/tmp,target=/e,type=bind', 'é', '#', 'a,b', 'k=v', 'a: b', '<<EOF', 'x`', 'a  b'];

  /** Seeded copies of the pack's templates with hostile values and more placeholders (properties, flags, FROM, comments). */
  function generate(count: number, seed: number): string {
    const random = prng(seed);
    const next = (n: number) => Math.floor(random() * n);
    const dir = path.join(root, `seed-${seed}`);
    const ids = fs.readdirSync(path.join(PACKAGE_ROOT, 'templates'));
    for (let i = 0; i < count; i++) {
      const id = ids[next(ids.length)];
      const target = path.join(dir, 'templates', `m${i}-${id}`);
      fs.cpSync(path.join(PACKAGE_ROOT, 'templates', id), target, { recursive: true });
      const metadataPath = path.join(target, 'devcontainer-template.json');
      const metadata = JSON.parse(fs.readFileSync(metadataPath, 'utf8')) as { id: string; options?: Record<string, { default?: string; proposals?: string[]; enum?: string[] }> };
      metadata.id = `m${i}-${id}`;
      const names = Object.keys(metadata.options ?? {});
      if (!metadata.options || !names.length) continue;
      const pick = () => names[next(names.length)];
      for (let j = 2 + next(5); j > 0; j--) {
        const option = metadata.options[pick()];
        const value = VALUES[next(VALUES.length)];
        if (next(3) === 0) option.default = value;
        else option.proposals = [...(option.proposals ?? []), value];
        if (option.enum) option.enum = [...option.enum, value];
      }
      fs.writeFileSync(metadataPath, JSON.stringify(metadata, null, 2));
      const dockerfile = ['Dockerfile', '.devcontainer/Dockerfile'].map((f) => path.join(target, f)).find((f) => fs.existsSync(f));
      if (dockerfile) {
        const extra = [
          `ENV EXTRA_${i}=\${templateOption:${pick()}}`,
          `ARG A_${i}="\${templateOption:${pick()}}"`,
          `RUN --mount=type=cache,target=/c/\${templateOption:${pick()}} echo \${templateOption:${pick()}}`,
          `LABEL x="\${templateOption:${pick()}}"`,
          `COPY --from=\${templateOption:${pick()}} /a /b`,
          `WORKDIR /w/\${templateOption:${pick()}}`,
          `USER \${templateOption:${pick()}}`,
        ].filter(() => next(2) === 0);
        let text = fs.readFileSync(dockerfile, 'utf8').replace(/^(FROM [^\n]* AS app)$/m, `$1\n${extra.join('\n')}`);
        if (next(4) === 0) text += `FROM python:\${templateOption:${pick()}} AS extra\n`;
        fs.writeFileSync(dockerfile, text);
      }
      const config = path.join(target, '.devcontainer', 'devcontainer.json');
      if (fs.existsSync(config) && next(2) === 0) {
        fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace(/^\{/m, `{\n  // note \${templateOption:${pick()}}\n  "postCreateCommand": "echo \${templateOption:${pick()}}",`));
      }
      for (const compose of ['.devcontainer/compose.yaml', '.devcontainer/docker-compose.yml', 'compose.yaml', 'docker-compose.yml'].map((f) => path.join(target, f))) {
        if (fs.existsSync(compose) && next(2) === 0) fs.writeFileSync(compose, fs.readFileSync(compose, 'utf8').replace(/^(\s+)build:\s*$/m, `$1image: app:\${templateOption:${pick()}}\n$1build:`));
      }
    }
    return dir;
  }

  // STAGEPACK_SUBSTITUTION_SEEDS=1,2,3 and STAGEPACK_SUBSTITUTION_COPIES=200 to look further. With the LCG this
  // test first had, seeds 9 and 14 found a quote in an ARG value and a compose default read unchecked; with
  // prng.ts (whose low bits are not periodic) seeds 14 and 4 found values that reshape a compose scalar after
  // a `:` of the template (` lead` makes `: `, an empty value leaves `app:`).
  const seeds = (process.env.STAGEPACK_SUBSTITUTION_SEEDS ?? '4,9,14').split(',').map(Number);
  const copies = Number(process.env.STAGEPACK_SUBSTITUTION_COPIES ?? 80);
  for (const seed of seeds) {
    it(`${copies} hostile copies of the pack's templates, seed ${seed}: the same diagnostics, at the same places`, () => {
      const discovered = discoverTargets([generate(copies, seed)], root);
      assert.ok(discovered.ok);
      setSubstitution(false);
      const parsed = lintTargets(discovered.targets);
      setSubstitution(true);
      const substituted = lintTargets(discovered.targets);
      assert.deepEqual(substituted, parsed);
      // The values really are hostile: variants have findings of their own.
      assert.ok(parsed.some((d) => d.variant), 'no variant findings');
    });
  }
});
