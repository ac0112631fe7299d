import { appChain } from '../../dockerfile';
import { effective, installedPackages, instructionsOf, commandText, positionOfInstruction } from '../dockerfile-facts';
import { defineRule, isTemplate } from '../rule';

const TOOLS = ['curl', 'wget'] as const;
/** The tool run as a word of the HEALTHCHECK command (after a space, quote, bracket or path). */
const TOOL_PATTERNS = Object.fromEntries(TOOLS.map((tool) => [tool, new RegExp(`(^|[\\s"'\\[/])${tool}\\b`)])) as Record<(typeof TOOLS)[number], RegExp>;

export default defineRule({
  id: 'app-healthcheck',
  meta: {
    description: 'Give the app stage a HEALTHCHECK that uses only what the runtime image has.',
    rationale:
      'Without a HEALTHCHECK Docker (and stagepack test) cannot tell a started server from a ready one. The common `curl -f` fails on slim and distroless images, which have no curl: the container is then reported unhealthy forever although the app is fine. Python\'s urllib is always there.',
    severity: 'error',
    group: 'shared-base',
    scope: 'applied',
    dockerfileReads: ['FROM', 'HEALTHCHECK', 'RUN'],
    appliesTo: ['template'],
    messages: {
      missing: 'The app stage has no HEALTHCHECK. Add one that uses the image\'s own Python, e.g. HEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen(\'http://127.0.0.1:8000/healthz\', timeout=2)"].',
      disabled: 'HEALTHCHECK NONE turns the health check off. Give the app stage a real one.',
      missingTool: 'The HEALTHCHECK runs {{tool}}, which the app image does not install (slim images have neither curl nor wget). Use Python\'s urllib instead, or install {{tool}} in the app stage.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.dockerfile) return;
    const { file, model } = target.dockerfile;
    const chain = appChain(model);
    if (!chain) return;
    const healthcheck = effective(chain, 'HEALTHCHECK');
    if (!healthcheck) {
      context.report({ messageId: 'missing', file, position: chain[chain.length - 1].fromPosition });
      return;
    }
    const command = commandText(healthcheck);
    if (/^NONE\b/i.test(command)) {
      context.report({ messageId: 'disabled', file, position: positionOfInstruction(healthcheck) });
      return;
    }
    const probe = command.replace(/^CMD\s*/i, '');
    const used = TOOLS.filter((tool) => TOOL_PATTERNS[tool].test(probe));
    if (!used.length) return;
    const installed = new Set(instructionsOf(chain, 'RUN').flatMap((run) => installedPackages(commandText(run))));
    for (const tool of used) {
      if (!installed.has(tool)) {
        context.report({ messageId: 'missingTool', data: { tool }, file, position: positionOfInstruction(healthcheck) });
      }
    }
  },
});
