import { defineRule, isTemplate } from '../rule';

/** Names that say "secret"; *_FILE, *_PATH and *_DIR name where a secret is, which is fine. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH_?KEY)(?!.*_(FILE|PATH|DIR)$)/i;
/** Values that are credentials whatever their name: URLs with user:password, well-known token formats. */
const SECRET_VALUE = /:\/\/[^/\s:@]+:[^/\s@]+@|\bgh[pousr]_[A-Za-z0-9]{20,}|\bgithub_pat_|\bAKIA[0-9A-Z]{16}\b|\bxox[abpr]-|-----BEGIN [A-Z ]*PRIVATE KEY-----|\bglpat-/;

export default defineRule({
  id: 'no-secrets-in-build-args',
  meta: {
    description: 'Pass credentials to builds as BuildKit secrets, never through ARG or ENV.',
    rationale:
      'ENV values are stored in the image config, and an ARG used by a RUN is recorded in the image history (`docker history --no-trunc` shows it): anyone who can pull the image can read the token. `RUN --mount=type=secret,id=...` makes it available to one command and stores it nowhere.',
    severity: 'error',
    group: 'spec',
    scope: 'applied',
    dockerfileReads: ['ARG', 'ENV'],
    appliesTo: ['template'],
    messages: {
      secretName: '{{keyword}} {{name}} looks like a credential, and {{where}}. Pass it as a BuildKit secret: `RUN --mount=type=secret,id={{id}} ...` with `docker build --secret id={{id}},src=FILE`.',
      secretValue: 'The value of {{keyword}} {{name}} contains a credential ({{kind}}), which {{where}}. Use a BuildKit secret (`RUN --mount=type=secret,...`) instead.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.dockerfile) return;
    const { file, model } = target.dockerfile;
    for (const instruction of model.instructions.filter((i) => i.keyword === 'ARG' || i.keyword === 'ENV')) {
      const keyword = instruction.keyword;
      const where = keyword === 'ENV' ? 'ENV values are stored in the image for anyone who pulls it' : 'a build argument used by a RUN is recorded in the image history';
      for (const property of instruction.properties) {
        const { name, position } = property;
        const value = property.value ?? '';
        if (SECRET_NAME.test(name)) {
          context.report({ messageId: 'secretName', data: { keyword, name, where, id: name.toLowerCase().replace(/_/g, '-') }, file, position });
        } else if (SECRET_VALUE.test(value)) {
          const kind = /:\/\/[^/\s:@]+:[^/\s@]+@/.test(value) ? 'a password in a URL' : 'a token';
          context.report({ messageId: 'secretValue', data: { keyword, name, kind, where }, file, position });
        }
      }
    }
  },
});
