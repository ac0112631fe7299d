import { DockerfileParser, type Dockerfile, type Instruction } from 'dockerfile-ast';
import type { Position } from './diagnostics';

/**
 * The stage graph of a multi-stage Dockerfile, the one structure most of our Dockerfile rules and the test
 * runner reason about. Built on dockerfile-ast (the parser behind the Dockerfile language server), whose
 * ranges are 0-based; everything here is 1-based like our diagnostics.
 */

export interface Stage {
  /** Position in the file, 0-based, in FROM order. */
  index: number;
  /** `AS name`, lower-cased as BuildKit compares stage names; undefined for an unnamed stage. */
  name?: string;
  /** The FROM argument as written (`python:${PYTHON_VERSION}-slim`, `base`). */
  from: string;
  /** The earlier stage this one is built FROM, when the FROM names one. */
  parent?: number;
  fromPosition: Position;
  /** Where the stage name is written (or the FROM, when unnamed). */
  namePosition: Position;
  instructions: Instruction[];
}

export interface DockerfileModel {
  ast: Dockerfile;
  stages: Stage[];
}

export function parseDockerfile(text: string): DockerfileModel {
  const ast = DockerfileParser.parse(text);
  const stages: Stage[] = [];
  let current: Stage | undefined;
  for (const instruction of ast.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = ast.getFROMs().find((f) => f.getRange().start.line === instruction.getRange().start.line);
      const image = from?.getImage() ?? '';
      const nameRange = from?.getBuildStageRange() ?? instruction.getRange();
      const imageName = (from?.getImageName() ?? image).toLowerCase();
      const parent = stages.find((s) => s.name !== undefined && s.name === imageName && !image.includes(':'));
      current = {
        index: stages.length,
        name: from?.getBuildStage()?.toLowerCase() ?? undefined,
        from: image,
        parent: parent?.index,
        fromPosition: toPosition(instruction.getRange().start),
        namePosition: toPosition(nameRange.start),
        instructions: [instruction],
      };
      stages.push(current);
    } else if (current) {
      current.instructions.push(instruction);
    }
  }
  return { ast, stages };
}

export function toPosition(p: { line: number; character: number }): Position {
  return { line: p.line + 1, column: p.character + 1 };
}

export function findStage(model: DockerfileModel, name: string): Stage | undefined {
  const wanted = name.toLowerCase();
  return model.stages.find((s) => s.name === wanted);
}

/** The chain from a stage up to its root image: [stage, parent, grandparent, ...]. */
export function ancestry(model: DockerfileModel, stage: Stage): Stage[] {
  const chain: Stage[] = [];
  const seen = new Set<number>();
  let cursor: Stage | undefined = stage;
  while (cursor && !seen.has(cursor.index)) {
    chain.push(cursor);
    seen.add(cursor.index);
    cursor = cursor.parent === undefined ? undefined : model.stages[cursor.parent];
  }
  return chain;
}

export function descendsFrom(model: DockerfileModel, stage: Stage, ancestorName: string): boolean {
  const wanted = ancestorName.toLowerCase();
  return ancestry(model, stage).some((s) => s.name === wanted);
}

/**
 * The external images a Dockerfile starts from, with ARG defaults declared before the first FROM expanded
 * (`ARG PYTHON_VERSION=3.11` + `FROM python:${PYTHON_VERSION}-slim`), build args overriding them. Stage
 * references are left out. Used to make sure every base image exists before a build.
 */
export function externalBaseImages(model: DockerfileModel, buildArgs: Readonly<Record<string, string>> = {}): string[] {
  const globals: Record<string, string> = {};
  for (const arg of model.ast.getInitialARGs()) {
    const property = arg.getProperty();
    const name = property?.getName();
    if (!name) continue;
    globals[name] = buildArgs[name] ?? property?.getValue() ?? '';
  }
  const images = new Set<string>();
  for (const stage of model.stages) {
    if (stage.parent !== undefined) continue;
    const expanded = stage.from.replace(/\$\{(\w+)(?::[-+][^}]*)?}|\$(\w+)/g, (_w, braced: string, bare: string) => globals[braced ?? bare] ?? '');
    if (expanded && expanded.toLowerCase() !== 'scratch') images.add(expanded);
  }
  return [...images];
}
