import { initialArgs } from '../../dockerfile';
import { getPath, isRecord } from '../../jsonc';
import { defineRule, isTemplate } from '../rule';

/** The platform ARGs BuildKit defines in the global scope itself (Dockerfile reference, "Automatic platform ARGs"). */
const AUTOMATIC = new Set(['BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT', 'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT']);

export default defineRule({
  id: 'from-args-declared',
  meta: {
    description: 'Declare every variable a FROM uses with an ARG before the first FROM, with a default.',
    rationale:
      'A FROM can only use ARGs declared before the first FROM (Dockerfile reference, "Understand how ARG and FROM interact"); an ARG declared inside a stage, or none at all, leaves `${BASE}` empty and the build fails with "base name (${BASE}) should not be blank". A declared ARG without a default works only where a build arg is passed: the dev container may pass it from devcontainer.json, but `docker build --target app .` does not.',
    severity: 'error',
    group: 'spec',
    scope: 'applied',
    dockerfileReads: ['FROM', 'ARG'],
    configReads: ['devcontainer.build', 'compose'],
    appliesTo: ['template'],
    messages: {
      undeclared: '`FROM {{from}}` uses ${{name}}, which no ARG before the first FROM declares, so it is empty here. Add `ARG {{name}}=<value>` at the top of the Dockerfile.',
      noDefault: '`FROM {{from}}` uses ${{name}}, declared without a default{{passed}}. Give it one: `ARG {{name}}=<value>`.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.dockerfile) return;
    const { file, model } = target.dockerfile;
    const globals = new Map(initialArgs(model).map((p) => [p.name, p.value]));
    const devArgs = getPath(target.devcontainer?.doc.value, ['build', 'args']);
    const passed = new Set([...(isRecord(devArgs) ? Object.keys(devArgs) : []), ...Object.keys(target.compose?.service?.build?.args ?? {})]);
    for (const stage of model.stages) {
      const seen = new Set<string>();
      for (const match of stage.from.matchAll(/\$\{(\w+)(:[-+][^}]*)?\}|\$(\w+)/g)) {
        const name = match[1] ?? match[3];
        // `${X:-fallback}` has its own default; `${X:+word}` is empty when X is unset, by design.
        if (!name || match[2] || AUTOMATIC.has(name) || seen.has(name)) continue;
        seen.add(name);
        if (!globals.has(name)) context.report({ messageId: 'undeclared', data: { from: stage.from, name }, file, position: stage.fromPosition });
        else if (!globals.get(name)) {
          const note = passed.has(name) ? ' (the dev container passes it as a build arg, but `docker build` of another target does not)' : ', and no build arg passes it';
          context.report({ messageId: 'noDefault', data: { from: stage.from, name, passed: note }, file, position: stage.fromPosition });
        }
      }
    }
  },
});
