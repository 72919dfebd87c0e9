/** What a write did, path by path. */
export interface WriteReport {
  /** Files written that did not exist, repository-relative and sorted. */
  readonly created: readonly string[];
  /** Files rewritten because their content changed. */
  readonly updated: readonly string[];
  /** Owned files removed because the program no longer produces them. */
  readonly deleted: readonly string[];
  /**
   * Owned files the program no longer produces, kept because they changed since written, or
   * because only a file of the manifest edited by hand records them (see the write plan's `kept`).
   */
  readonly kept: readonly string[];
  /** Owned files changed by hand that the write put back (also listed in `updated`). */
  readonly restored: readonly string[];
  /** Files that held what the tree makes but that the manifest did not record; now recorded (see the write plan's `unrecorded`). */
  readonly recorded: readonly string[];
  /** Ledgers edited by hand that the ring rules accept: kept as edited, and recorded in the manifest. */
  readonly acceptedEdits: readonly string[];
  /**
   * Directories of targets new to a ring held at its release (a cluster added to it, a service
   * deployed there again): not written until the ring runs a release of the program's images.
   */
  readonly waiting: readonly string[];
  /** Number of owned files left as they were. */
  readonly unchanged: number;
  /** Number of files written to disk (created + updated, and the manifest when it changed). */
  readonly filesWritten: number;
}
