import type { Rule } from '../rule';
import buildPathsResolve from './build-paths-resolve';
import buildTargetExists from './build-target-exists';
import devcontainerConfigPresent from './devcontainer-config-present';
import dockerfileBaseStage from './dockerfile-base-stage';
import jsoncSyntax from './jsonc-syntax';
import metadataIdMatchesFolder from './metadata-id-matches-folder';
import metadataRequired from './metadata-required';
import metadataVersionSemver from './metadata-version-semver';
import noSymlinks from './no-symlinks';
import stagesDescendFromBase from './stages-descend-from-base';
import templateOptionDeclared from './template-option-declared';
import templateOptionUsed from './template-option-used';

/**
 * Every rule, in the order its diagnostics are most useful to read. A test checks that each file in this
 * folder is registered here, that each rule's id equals its file name, and that each is documented.
 */
export const rules: readonly Rule[] = [
  jsoncSyntax,
  noSymlinks,
  metadataRequired,
  metadataIdMatchesFolder,
  metadataVersionSemver,
  devcontainerConfigPresent,
  buildPathsResolve,
  buildTargetExists,
  dockerfileBaseStage,
  stagesDescendFromBase,
  templateOptionDeclared,
  templateOptionUsed,
];
