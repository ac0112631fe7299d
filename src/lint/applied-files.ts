import type { LoadedTarget, SourceFile } from '../pack';
import { TEMPLATE_METADATA } from '../pack';

/**
 * Files `devcontainer templates apply` never copies into the workspace (devcontainers/cli templatesApply),
 * so placeholders in them are never substituted and do not count as uses.
 */
export const NOT_APPLIED = new Set([TEMPLATE_METADATA, 'README.md', 'NOTES.md']);

/** The files a user receives when applying the template. */
export function appliedFiles(target: LoadedTarget): SourceFile[] {
  return target.files.filter((f) => !NOT_APPLIED.has(f.relPath));
}
