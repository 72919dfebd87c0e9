/**
 * Where the manifest is: a module of its own, so that what only looks for it (the CLI, before the
 * program starts) loads none of the manifest's reading and writing.
 *
 * @module
 */
import { TOOL_DIR } from '../model/repository-places';

/** Repository-relative path of the manifest. */
export const MANIFEST_PATH = `${TOOL_DIR}/manifest.json`;
