import * as assert from 'node:assert/strict';
import { discoverTargets, loadTarget, templateOptions, type LoadedTemplate } from '../../src/pack';
import { optionVariants, type OptionVariant } from '../../src/template-options';
import { PACKAGE_ROOT } from '../../src/version';

/** Every template of this pack, loaded, with its option variants (defaults first): what model tests sweep. */
export function packTemplates(): { template: LoadedTemplate; variants: OptionVariant[] }[] {
  const found = discoverTargets([PACKAGE_ROOT], PACKAGE_ROOT);
  assert.ok(found.ok);
  return found.targets
    .filter((t) => t.kind === 'template')
    .map((ref) => {
      const template = loadTarget(ref) as LoadedTemplate;
      return { template, variants: optionVariants(templateOptions(template)) };
    });
}
