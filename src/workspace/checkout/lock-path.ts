/**
 * Where the checkout's lock is: a module of its own, so that what only names it (the messages
 * about links in the checkout's own state) loads none of the lock.
 *
 * @module
 */
import { TOOL_DIR } from '../../model/repository-places';

/** Repository-relative path of the lock a writing command holds on its checkout. */
export const LOCK_PATH = `${TOOL_DIR}/lock`;
