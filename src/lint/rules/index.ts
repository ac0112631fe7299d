import type { Rule } from '../rule';
import appExecForm from './app-exec-form';
import appHealthcheck from './app-healthcheck';
import appNoBuildTools from './app-no-build-tools';
import appNonRootUser from './app-non-root-user';
import aptGetHygiene from './apt-get-hygiene';
import baseImageTag from './base-image-tag';
import buildPathsResolve from './build-paths-resolve';
import buildTargetExists from './build-target-exists';
import composeTargetExists from './compose-target-exists';
import copyFromKnownStage from './copy-from-known-stage';
import depsBeforeSource from './deps-before-source';
import declaredChecksValid from './declared-checks-valid';
import devcontainerConfigPresent from './devcontainer-config-present';
import devcontainerSchema from './devcontainer-schema';
import dockerfileBaseStage from './dockerfile-base-stage';
import dockerignoreEntries from './dockerignore-entries';
import duplicateStageName from './duplicate-stage-name';
import exposeMatchesBind from './expose-matches-bind';
import featureInstallScript from './feature-install-script';
import featureReferences from './feature-references';
import fromArgsDeclared from './from-args-declared';
import jsonDuplicateKeys from './json-duplicate-keys';
import jsoncSyntax from './jsonc-syntax';
import metadataIdMatchesFolder from './metadata-id-matches-folder';
import metadataRequired from './metadata-required';
import metadataSchema from './metadata-schema';
import metadataUnknownProperty from './metadata-unknown-property';
import metadataVersionSemver from './metadata-version-semver';
import noAlpinePython from './no-alpine-python';
import noSecretsInBuildArgs from './no-secrets-in-build-args';
import noSymlinks from './no-symlinks';
import optionDefaultFalsy from './option-default-falsy';
import optionDefaultValid from './option-default-valid';
import optionIdFormat from './option-id-format';
import optionalPathsMatch from './optional-paths-match';
import pipCache from './pip-cache';
import preferCopy from './prefer-copy';
import sharedBaseTarget from './shared-base-target';
import stagesDescendFromBase from './stages-descend-from-base';
import suppressionComments from './suppression-comments';
import templateOptionDeclared from './template-option-declared';
import templateOptionUsed from './template-option-used';
import textEncoding from './text-encoding';
import textFilesOnly from './text-files-only';
import userProvidedFiles from './user-provided-files';
import workdirAbsolute from './workdir-absolute';
import workspaceFolderMount from './workspace-folder-mount';

/**
 * Every rule, in the order its diagnostics are most useful to read: files and JSON, metadata and options,
 * the dev container configuration, the stage graph, the production image, build hygiene. A test checks
 * that each file in this folder is registered here, that each rule's id equals its file name, and that each
 * is documented in docs/rules.md.
 */
export const rules: readonly Rule[] = [
  jsoncSyntax,
  noSymlinks,
  textFilesOnly,
  textEncoding,
  jsonDuplicateKeys,
  metadataRequired,
  metadataSchema,
  metadataUnknownProperty,
  metadataIdMatchesFolder,
  metadataVersionSemver,
  optionIdFormat,
  optionDefaultValid,
  optionDefaultFalsy,
  optionalPathsMatch,
  templateOptionDeclared,
  templateOptionUsed,
  featureInstallScript,
  featureReferences,
  devcontainerConfigPresent,
  declaredChecksValid,
  devcontainerSchema,
  buildPathsResolve,
  userProvidedFiles,
  buildTargetExists,
  composeTargetExists,
  workspaceFolderMount,
  sharedBaseTarget,
  dockerfileBaseStage,
  stagesDescendFromBase,
  duplicateStageName,
  copyFromKnownStage,
  appNonRootUser,
  appExecForm,
  appHealthcheck,
  appNoBuildTools,
  exposeMatchesBind,
  noSecretsInBuildArgs,
  depsBeforeSource,
  aptGetHygiene,
  pipCache,
  fromArgsDeclared,
  baseImageTag,
  noAlpinePython,
  preferCopy,
  workdirAbsolute,
  dockerignoreEntries,
  suppressionComments,
];
