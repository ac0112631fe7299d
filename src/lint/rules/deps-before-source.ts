import { ancestry } from '../../dockerfile';
import { commandText, instructionsOf, isDependencyInstall, mounts, positionOfInstruction } from '../dockerfile-facts';
import { defineRule, isTemplate } from '../rule';

/** Files that describe dependencies (copying them first is the point of this rule). */
export const MANIFEST = /(^|\/)(requirements[\w.*-]*\.(txt|in|lock)|constraints[\w.*-]*\.txt|Pipfile(\.lock)?|pyproject\.toml|poetry\.lock|uv\.lock|pdm\.lock|setup\.cfg)\*?$/;

export default defineRule({
  id: 'deps-before-source',
  meta: {
    description: 'Copy (or bind-mount) the dependency manifest and install it before copying the source.',
    rationale:
      'Docker reuses a layer only while everything before it is unchanged. With `COPY . .` (or the source folder) ahead of `pip install`, every edit to the code reinstalls every dependency; with the lock file alone first, a source change rebuilds only the last layers.',
    severity: 'warning',
    group: 'shared-base',
    scope: 'applied',
    dockerfileReads: ['COPY', 'ADD', 'RUN'],
    appliesTo: ['template'],
    messages: {
      sourceBeforeInstall: '`{{copy}}` copies the source before the dependency install on line {{installLine}}, so every source change reinstalls all dependencies. Copy only the manifest first (`COPY requirements.txt ./`), install, then copy the source.',
      bindAllInstall: 'This install bind-mounts the whole build context, so any change to any file reruns it. Mount only the manifest: `--mount=type=bind,source=requirements.txt,target=/tmp/requirements.txt`.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.dockerfile) return;
    const { file, model } = target.dockerfile;
    for (const stage of model.stages) {
      const chain = ancestry(model, stage).reverse();
      let sourceCopy: { text: string; instruction: ReturnType<typeof instructionsOf>[number] } | undefined;
      for (const instruction of instructionsOf(chain)) {
        const keyword = instruction.keyword;
        if ((keyword === 'COPY' || keyword === 'ADD') && !sourceCopy) {
          if (instruction.flags.some((f) => f.name === 'from')) continue; // COPY --from copies a build result, not the source.
          const args = instruction.args.split(/\s+/).filter((a) => a && !a.startsWith('--'));
          const sources = args.slice(0, -1);
          if (sources.some((s) => !MANIFEST.test(s))) sourceCopy = { text: `${keyword} ${args.join(' ')}`, instruction };
        } else if (keyword === 'RUN' && isDependencyInstall(commandText(instruction))) {
          if (mounts(instruction).some((m) => m.type === 'bind' && (m.source === undefined || m.source === '.' || m.source === './') && !m.options.from)) {
            context.report({ messageId: 'bindAllInstall', file, position: positionOfInstruction(instruction) });
          } else if (sourceCopy) {
            context.report({
              messageId: 'sourceBeforeInstall',
              data: { copy: sourceCopy.text, installLine: positionOfInstruction(instruction).line },
              file,
              position: positionOfInstruction(sourceCopy.instruction),
            });
          }
        }
      }
    }
  },
});
