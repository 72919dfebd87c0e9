/**
 * The example platform of teams (examples/teams-platform, with the payments team from its own
 * library, examples/payments-team): an AppProject per team and environment that reaches only the
 * team's namespaces and repositories, roles narrower in production, Applications generated into
 * their team's project, CODEOWNERS and a production approval by the platform team. Every Argo CD
 * object passes the strict CRD check.
 */
import { parse } from 'yaml';
import { teamsPlatform } from '../../examples/teams-platform/main';
import { synthesize } from '../../src/synth/synthesize';
import { treeFromLedgers } from '../../src/synth/build';
import { applicationProject } from '../../src/model/teams';
import { applicationProblems, argoObjects, generatedApplications, leastPrivilegeProblems } from '../support/argocd-tree';
import { describeWithArgoCdSchemas, loadArgoCdSchemas } from '../support/argocd-schema';

const model = teamsPlatform().snapshot();
const files = synthesize(model).toRecord();
const project = (name: string): any => parse(files[`projects/${name}.yaml`]!);

describe('the example platform of teams', () => {
  test('has three teams, one of them from a library, each service owned by one', () => {
    expect(model.teams!.map((t) => `${t.name}${t.platform ? ' (platform)' : ''}`)).toEqual(['ops (platform)', 'payments', 'storefront']);
    expect(model.services.map((s) => `${s.name} ${s.team}`)).toEqual([
      'ingress ops',
      'payments-api payments',
      'ledger-worker payments',
      'storefront storefront',
    ]);
  });

  test('gives each team an AppProject per environment that reaches only its own namespaces and repositories', () => {
    expect(leastPrivilegeProblems(model, files)).toEqual([]);
    expect(applicationProblems(model, files)).toEqual([]);
    expect(
      Object.keys(files)
        .filter((f) => f.startsWith('projects/'))
        .sort(),
    ).toEqual([
      'projects/nonprod-team-ops.yaml',
      'projects/nonprod-team-payments.yaml',
      'projects/nonprod-team-storefront.yaml',
      'projects/nonprod.yaml',
      'projects/prod-team-ops.yaml',
      'projects/prod-team-payments.yaml',
      'projects/prod-team-storefront.yaml',
      'projects/prod.yaml',
    ]);
    const payments = project('prod-team-payments').spec;
    expect(payments.sourceRepos).toEqual([
      'https://git.example.com/platform/platform-gitops.git',
      'https://git.example.com/apps/ledger-worker.git',
      'https://git.example.com/apps/payments-api.git',
    ]);
    expect(payments.destinations).toEqual([
      { name: 'aws-eu-central-1-01', namespace: 'ledger-worker' },
      { name: 'aws-eu-central-1-01', namespace: 'payments-api' },
      { name: 'gcp-europe-west1-01', namespace: 'ledger-worker' },
      { name: 'gcp-europe-west1-01', namespace: 'payments-api' },
    ]);
    // The environment's own AppProject holds no Application of a team, and reaches nothing.
    expect(project('prod').spec.destinations).toEqual([]);
    expect(project('prod').spec.sourceRepos).toEqual(['https://git.example.com/platform/platform-gitops.git']);
    // Every Application is in its team's AppProject, labelled with its team.
    const apps = generatedApplications(model, files);
    expect(apps.length).toBe(16);
    for (const a of apps) {
      const service = model.services.find((s) => s.name === a.app.metadata.labels.service)!;
      expect([a.app.metadata.name, a.app.spec.project, a.app.metadata.labels.team]).toEqual([
        a.app.metadata.name,
        `${a.app.metadata.labels.environment}-team-${service.team}`,
        service.team,
      ]);
      // What status --live and explain take for the Application's project.
      expect(applicationProject(a.app.metadata.labels.environment, service)).toBe(a.app.spec.project);
    }
  });

  test("binds the team's groups to roles, narrower in production", () => {
    const roles = (name: string) => project(name).spec.roles.map((r: any) => ({ name: r.name, groups: r.groups, policies: r.policies }));
    expect(roles('nonprod-team-payments')).toEqual([
      {
        name: 'team-members',
        groups: ['acme:payments'],
        policies: [
          'p, proj:nonprod-team-payments:team-members, applications, get, nonprod-team-payments/*, allow',
          'p, proj:nonprod-team-payments:team-members, applications, sync, nonprod-team-payments/*, allow',
          'p, proj:nonprod-team-payments:team-members, applications, action/*, nonprod-team-payments/*, allow',
          'p, proj:nonprod-team-payments:team-members, logs, get, nonprod-team-payments/*, allow',
        ],
      },
    ]);
    expect(roles('prod-team-payments')).toEqual([
      {
        name: 'team-members',
        groups: ['acme:payments'],
        policies: [
          'p, proj:prod-team-payments:team-members, applications, get, prod-team-payments/*, allow',
          'p, proj:prod-team-payments:team-members, logs, get, prod-team-payments/*, allow',
        ],
      },
      {
        name: 'team-approvers',
        groups: ['acme:payments-leads'],
        policies: [
          'p, proj:prod-team-payments:team-approvers, applications, get, prod-team-payments/*, allow',
          'p, proj:prod-team-payments:team-approvers, applications, sync, prod-team-payments/*, allow',
          'p, proj:prod-team-payments:team-approvers, logs, get, prod-team-payments/*, allow',
        ],
      },
    ]);
  });

  test('writes CODEOWNERS and asks the platform team to approve promotions into production', () => {
    const codeowners = treeFromLedgers(model, new Map()).content('CODEOWNERS');
    expect(codeowners).toContain('\n/environments/nonprod/*/*/payments-api/ @acme/payments\n');
    expect(codeowners).toContain('\n/releases/storefront.yaml @acme/storefront\n');
    expect(codeowners).not.toContain('/environments/prod/');
    expect(model.rings.map((r) => [r.name, r.gates])).toEqual([
      ['nonprod', { soakSeconds: 0, requireApproval: false }],
      ['prod', { soakSeconds: 86400, requireApproval: true, approvers: ['carol'] }],
    ]);
  });
});

describeWithArgoCdSchemas('the example platform of teams against the Argo CD CRDs, strictly', loadArgoCdSchemas(), (validate) => {
  test('every Argo CD object it writes or generates passes', () => {
    const objects = [...argoObjects(model, files).map((o) => o.obj), ...generatedApplications(model, files).map((a) => a.app)];
    expect(objects.length).toBeGreaterThan(20);
    expect(objects.flatMap((o) => validate(o).map((p: string) => `${o.kind} ${o.metadata.name}: ${p}`))).toEqual([]);
  });
});
