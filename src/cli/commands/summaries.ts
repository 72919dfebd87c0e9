/**
 * Each command's one-line summary, which `cdk8s-gitops --help` lists: here, apart from the
 * commands' modules, so that help loads none of them (nor what they import).
 *
 * @module
 */

/** The summary of each command, by name, in the order help lists them. */
export const SUMMARIES = {
  init: 'Scaffold a new platform program in an empty directory',
  synth: 'Write the GitOps tree the program declares into a checkout',
  plan: 'Show what synth would change: files, values keys, Applications',
  preview: 'Expand the ApplicationSets of a checkout into Applications, offline',
  check: 'Fail when the checkout drifts from what the program synthesizes',
  status: 'What each ring of each service runs, since when, by whom, and holds',
  explain: 'The chain from construct to Application for one target, and where each value comes from',
  promote: 'Move a digest into a promotion ring',
  rollback: 'Put a previous digest back into a ring and hold it',
  unhold: 'Lift the hold a rollback put on a ring',
  publish: 'Synthesize, commit the owned files that changed, and push',
  history: 'Who promoted what, when, into which ring, in which commit',
  wait: "Wait until a ring's Applications run its release, Synced and Healthy",
} as const;

/** The name of a command. */
export type CommandName = keyof typeof SUMMARIES;
