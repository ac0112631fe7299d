import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { EXIT, type ExitCode, type Io } from '../io';
import { discoverTargets, FEATURE_METADATA, TEMPLATE_METADATA, type TargetRef } from '../pack';
import { optionsBlock, withOptionsBlock, type OptionSpec } from '../readme-options';
import { ignoredNote, printable } from '../render';

export interface DocsInput {
  paths: string[];
  /** Write nothing; exit 1 when a README's options table is not what the metadata gives. */
  check: boolean;
}

/**
 * `stagepack docs`: writes each template's and feature's README options table from its metadata (see
 * readme-options.ts), leaving every hand-written section as it is. `--check` is the CI and meta-test form.
 */
export async function docsCommand(input: DocsInput, io: Io): Promise<ExitCode> {
  const discovery = discoverTargets(input.paths, io.cwd);
  if (!discovery.ok) {
    io.stderr(`stagepack docs: ${printable(discovery.message)}\n${discovery.fix ? `fix: ${discovery.fix}\n` : ''}`);
    return EXIT.usage;
  }
  io.stderr(ignoredNote('docs', discovery.ignored));
  const outdated: string[] = [];
  let broken = 0;
  for (const target of discovery.targets) {
    const result = readmeFor(target);
    if ('problem' in result) {
      io.stderr(`stagepack docs: ${printable(result.problem)}\nfix: ${result.fix}\n`);
      broken++;
      continue;
    }
    if (result.current === result.wanted) continue;
    outdated.push(result.displayPath);
    if (!input.check) {
      fs.writeFileSync(result.absPath, result.wanted);
      io.stdout(`updated ${printable(result.displayPath)}\n`);
    }
  }
  if (broken) return EXIT.usage;
  if (input.check && outdated.length) {
    io.stderr(`stagepack docs: ${outdated.length} README(s) do not match their metadata: ${outdated.map(printable).join(', ')}\nfix: run \`stagepack docs\` and commit the result\n`);
    return EXIT.problems;
  }
  if (!outdated.length) io.stdout(`Every README's options table matches its metadata (${discovery.targets.length} checked).\n`);
  return EXIT.ok;
}

type ReadmeResult = { absPath: string; displayPath: string; current: string; wanted: string } | { problem: string; fix: string };

function readmeFor(target: TargetRef): ReadmeResult {
  const metadataName = target.kind === 'template' ? TEMPLATE_METADATA : FEATURE_METADATA;
  const metadataPath = path.join(target.absDir, metadataName);
  const displayMetadata = path.join(target.displayDir, metadataName);
  let metadata: { id?: unknown; name?: unknown; description?: unknown; options?: Record<string, OptionSpec> };
  try {
    const errors: ParseError[] = [];
    const parsed: unknown = parseJsonc(fs.readFileSync(metadataPath, 'utf8'), errors, { allowTrailingComma: true });
    if (errors.length || typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { problem: `${displayMetadata} is not a JSON object`, fix: `run \`stagepack lint ${target.displayDir}\`, which shows where` };
    }
    metadata = parsed as typeof metadata;
  } catch (error) {
    return { problem: `${displayMetadata} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, fix: 'check that it exists and is readable' };
  }
  const options = typeof metadata.options === 'object' && metadata.options !== null && !Array.isArray(metadata.options) ? metadata.options : undefined;
  const absPath = path.join(target.absDir, 'README.md');
  const displayPath = path.join(target.displayDir, 'README.md');
  let current = '';
  try {
    const stat = fs.lstatSync(absPath);
    // The README is part of what is published: never write through a link to a file outside the folder.
    if (!stat.isFile()) return { problem: `${displayPath} is not a regular file`, fix: 'replace it with a regular file' };
    current = fs.readFileSync(absPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return { problem: `${displayPath} cannot be read (${(error as NodeJS.ErrnoException).code})`, fix: 'check its permissions' };
    const id = typeof metadata.id === 'string' ? metadata.id : target.folderName;
    const name = typeof metadata.name === 'string' ? metadata.name : id;
    current = `# ${name} (\`${id}\`)\n\n${typeof metadata.description === 'string' ? `${metadata.description}\n` : ''}`;
  }
  return { absPath, displayPath, current: fs.existsSync(absPath) ? current : '', wanted: withOptionsBlock(current, optionsBlock(options)) };
}
