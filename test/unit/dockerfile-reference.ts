import { DockerfileParser, type Instruction as AstInstruction } from 'dockerfile-ast';
import type { RawInstruction } from '../../src/dockerfile-parser';

/**
 * The instructions as dockerfile-ast (the parser behind the Dockerfile language server) reads them, in the
 * shape of src/dockerfile-parser.ts: the reference our own parser is compared with.
 */
type Pos = { line: number; character: number };
const at = (p: Pos) => ({ line: p.line + 1, column: p.character + 1 });

export function referenceInstructions(text: string): RawInstruction[] {
  return DockerfileParser.parse(text).getInstructions().map((instruction: AstInstruction) => {
    const keyword = instruction.getKeyword();
    const range = instruction.getRange();
    const withFlags = instruction as AstInstruction & { getFlags?: () => { getName(): string; getValue(): string | null; getRange(): { start: Pos } }[] };
    const flags = ['FROM', 'RUN', 'COPY', 'ADD', 'HEALTHCHECK'].includes(keyword) && withFlags.getFlags
      ? withFlags.getFlags().map((f) => ({ name: f.getName(), value: f.getValue() ?? '', position: at(f.getRange().start) }))
      : [];
    const withProperties = instruction as AstInstruction & { getProperties?: () => { getName(): string; getValue(): string | null; getNameRange(): { start: Pos } }[] };
    const properties = (keyword === 'ARG' || keyword === 'ENV') && withProperties.getProperties
      ? withProperties.getProperties().map((p) => ({ name: p.getName(), value: p.getValue() ?? undefined, position: at(p.getNameRange().start) }))
      : [];
    const withStage = instruction as AstInstruction & { getBuildStageRange?: () => { start: Pos } | null };
    const stage = keyword === 'FROM' && withStage.getBuildStageRange ? withStage.getBuildStageRange() : null;
    let args = instruction.getArgumentsContent() ?? '';
    // dockerfile-ast leaves the flags in the arguments of some keywords: take them off as the model does.
    for (let i = 0; i < flags.length; i++) args = args.replace(/^\s*--\S+(\s*\\\n)?\s*/, '');
    return {
      keyword,
      args,
      flags,
      properties,
      position: at(range.start),
      endLine: range.end.line + 1,
      ...(stage ? { stageNamePosition: at(stage.start) } : {}),
    };
  });
}
