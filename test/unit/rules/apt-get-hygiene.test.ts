import rule from '../../../src/lint/rules/apt-get-hygiene';
import { APP_HEAD, APP_TAIL, BASE, BUILDER, dockerfile } from './dockerfile-cases';
import { ruleTester } from './rule-tester';

const withDev = (...lines: string[]) => dockerfile(BASE, BUILDER, ['FROM base AS development', ...lines], APP_HEAD, APP_TAIL);

ruleTester(rule, {
  valid: [
    { name: 'update, install -y --no-install-recommends, lists cache-mounted' },
    { name: 'lists removed in the same RUN', files: withDev('RUN apt-get update \\', '    && apt-get install -yq --no-install-recommends git \\', '    && rm -rf /var/lib/apt/lists/*') },
    { name: 'no apt at all', files: withDev('RUN echo hi') },
  ],
  invalid: [
    { name: 'install without -y', files: withDev('RUN apt-get update && apt-get install --no-install-recommends git && rm -rf /var/lib/apt/lists/*'), errors: [{ messageId: 'noYes', file: 'Dockerfile', line: 8, column: 1 }] },
    { name: 'install without --no-install-recommends', files: withDev('RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*'), errors: [{ messageId: 'noRecommends', line: 8 }] },
    {
      name: 'update in an earlier layer, lists kept',
      files: withDev('RUN apt-get update', 'RUN apt-get install -y --no-install-recommends git'),
      errors: [{ messageId: 'noUpdate', line: 9 }, { messageId: 'listsLeft', line: 9 }],
    },
  ],
});
