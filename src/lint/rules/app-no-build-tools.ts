import { appChain } from '../../dockerfile';
import { commandText, installedPackages, instructionsOf, positionOfInstruction } from '../dockerfile-facts';
import { defineRule, isTemplate } from '../rule';

/** Packages that are build tools or headers: they belong in a builder stage, never in production. */
const BUILD_PACKAGE = /^(gcc|g\+\+|cc|clang|make|cmake|build-essential|build-base|musl-dev|libc6-dev|linux-headers|gfortran|cargo|rustc|pkg-config|[\w.+-]+-dev|[\w.+-]+-devel)$/;
/** Official python images without -slim or -alpine ship gcc and the -dev headers. */
const FULL_PYTHON_IMAGE = /^(?:docker\.io\/)?(?:library\/)?python:(?!.*(?:slim|alpine))[^\s]+$/;

export default defineRule({
  id: 'app-no-build-tools',
  meta: {
    description: 'Keep compilers and -dev packages out of the app stage and everything it is built on.',
    rationale:
      'A compiler in production is an attacker\'s toolchain and hundreds of megabytes of image. Compile in the builder stage and copy out only the result; runtime libraries (libpq5) go in the app stage, their headers (libpq-dev) never.',
    severity: 'error',
    group: 'shared-base',
    scope: 'applied',
    dockerfileReads: ['FROM', 'RUN'],
    appliesTo: ['template'],
    messages: {
      installed: '{{package}} is installed in stage "{{stage}}", which the app image is built on. Install build tools in the builder stage only and copy out what they produce{{hint}}.',
      fullImage: 'The app image is built on {{image}}, which ships gcc and development headers. Use the -slim variant for base and keep the full image for a builder stage.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.dockerfile) return;
    const { file, model } = target.dockerfile;
    const chain = appChain(model);
    if (!chain) return;
    const root = chain[0];
    if (FULL_PYTHON_IMAGE.test(root.from)) context.report({ messageId: 'fullImage', data: { image: root.from }, file, position: root.fromPosition });
    for (const stage of chain) {
      for (const run of instructionsOf([stage], 'RUN')) {
        for (const pkg of installedPackages(commandText(run))) {
          if (!BUILD_PACKAGE.test(pkg)) continue;
          const runtime = /^lib(.+)-dev$/.exec(pkg);
          context.report({
            messageId: 'installed',
            data: { package: pkg, stage: stage.name ?? `#${stage.index}`, hint: runtime ? ` (the app needs only the runtime library, e.g. lib${runtime[1]}<soversion>)` : '' },
            file,
            position: positionOfInstruction(run),
          });
        }
      }
    }
  },
});
