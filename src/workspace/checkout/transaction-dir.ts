/**
 * Where a write in progress keeps its staged files and its journal (see `writeTree`): a
 * module of its own, so that what only looks for it loads none of the writer.
 *
 * @module
 */
import { TOOL_DIR } from '../../model/repository-places';

/** Where a write in progress keeps its staged files and its journal. */
export const TRANSACTION_DIR = `${TOOL_DIR}/transaction`;
