import { ancestry, type Instruction } from '../../dockerfile';
import { commandText, instructionsOf, mounts, positionOfInstruction, runsPipInstall, shellCommands } from '../dockerfile-facts';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'pip-cache',
  meta: {
    description: 'Give every pip install a BuildKit cache mount for ~/.cache/pip (or --no-cache-dir).',
    rationale:
      'pip keeps every downloaded wheel in ~/.cache/pip; in a RUN that cache becomes part of the layer (often 10-50% of a venv\'s size). A cache mount keeps it out of the image and reuses it between builds, which is better than --no-cache-dir (which only keeps it out). hadolint\'s DL3042 wrongly asks for --no-cache-dir even under a cache mount; this rule accepts both.',
    severity: 'warning',
    group: 'shared-base',
    scope: 'applied',
    dockerfileReads: ['RUN', 'ENV'],
    appliesTo: ['template'],
    messages: {
      uncached: '`pip install` here leaves pip\'s download cache in the layer. Add `--mount=type=cache,target=/root/.cache/pip` to the RUN (the home of the user running it), or pass --no-cache-dir.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.dockerfile) return;
    const { file, model } = target.dockerfile;
    const reported = new Set<number>();
    for (const stage of model.stages) {
      const runs = instructionsOf([stage], 'RUN').filter(uncachedPipInstall);
      if (!runs.length) continue;
      const chain = ancestry(model, stage).reverse();
      const envDisables = instructionsOf(chain, 'ENV').some((env) => env.properties.some((p) => p.name === 'PIP_NO_CACHE_DIR' && /^(1|true|yes|on|off|0)$/i.test(p.value ?? '')));
      if (envDisables) continue;
      for (const run of runs) {
        const position = positionOfInstruction(run);
        if (reported.has(position.line)) continue;
        reported.add(position.line);
        context.report({ messageId: 'uncached', file, position });
      }
    }
  },
});

/**
 * Whether a RUN installs with pip and neither passes --no-cache-dir nor mounts a cache over pip's; remembered
 * per instruction, which option variants share when they leave it as it is.
 */
function uncachedPipInstall(run: Instruction): boolean {
  let found = uncachedMemo.get(run);
  if (found === undefined) {
    const command = commandText(run);
    found =
      !command.includes('--no-cache-dir') &&
      shellCommands(command).some((w) => runsPipInstall(w)) &&
      !mounts(run).some((m) => m.type === 'cache' && /\.cache\/pip\/?$|\/pip-cache\/?$/.test(m.target ?? ''));
    uncachedMemo.set(run, found);
  }
  return found;
}

const uncachedMemo = new WeakMap<Instruction, boolean>();
