import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { removeCheckout, synthesizedCheckout, writeFile } from '../synth/example-checkout';

const REPO = path.resolve(__dirname, '../..');
const CLI = path.join(REPO, 'bin/cdk8s-gitops.js');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI in the repository root, as a user would. */
function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(dir: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: dir, stdio: 'pipe' });
}

/** An ApplicationSet `name` with a git directory generator per pattern, naming Applications `appName`. */
function applicationSet(name: string, patterns: readonly string[], appName: string): string {
  const generators = patterns
    .map(
      (p) => `    - git:
        repoURL: https://git.example.com/gitops.git
        revision: main
        directories:
          - path: '${p}'`,
    )
    .join('\n');
  return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: ${name}
  namespace: argocd
spec:
  goTemplate: true
  goTemplateOptions: [missingkey=error]
  generators:
${generators}
  template:
    metadata:
      name: '${appName}'
    spec:
      project: default
      destination:
        name: in-cluster
        namespace: '{{ .path.basenameNormalized }}'
      source:
        repoURL: https://git.example.com/gitops.git
        targetRevision: main
        path: '{{ .path.path }}'
`;
}

const UPPER_SVC_REJECTION =
  "Application.argoproj.io \"Upper_Svc\" is invalid: metadata.name: Invalid value: \"Upper_Svc\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('preview of a Git checkout, as Argo CD acts on it', () => {
  let out: string;

  beforeAll(() => {
    // GIVEN a Git repository whose ApplicationSet "apps" generates one Application per directory
    // of apps/* and more/*, named after the directory; "web-only" generates "web" from apps/web.
    // It tracks apps/web, apps/Upper_Svc, apps/keep-svc (only .gitkeep), apps/conf-svc (only
    // .config/app.yaml) and more/web; it ignores apps/build-svc; apps/scratch-svc is untracked.
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-argo-names-'));
    git(out, 'init', '--quiet', '-b', 'main');
    writeFile(
      out,
      'applicationsets/apps.yaml',
      `${applicationSet('apps', ['apps/*', 'more/*'], '{{ .path.basename }}')}---\n${applicationSet('web-only', ['apps/web'], 'web')}`,
    );
    for (const d of ['apps/web', 'apps/Upper_Svc', 'more/web', 'apps/build-svc']) writeFile(out, `${d}/values.yaml`, 'replicaCount: 1\n');
    writeFile(out, 'apps/keep-svc/.gitkeep', '');
    writeFile(out, 'apps/conf-svc/.config/app.yaml', 'replicaCount: 1\n');
    writeFile(out, '.gitignore', 'apps/build-svc/\n');
    git(out, 'add', '.');
    git(out, 'commit', '--quiet', '-m', 'gitops');
    writeFile(out, 'apps/scratch-svc/values.yaml', 'replicaCount: 1\n');
  });

  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  test('the table shows what Argo CD creates, then what it would not create with its reason, and exits 2', () => {
    // WHEN preview runs
    const r = cli('preview', '--out', out);
    // THEN Argo CD creates conf-svc and keep-svc (the repo server lists a directory whose only
    // entries are hidden) and web from apps/web (the first "web" of "apps"); build-svc (ignored)
    // and scratch-svc (untracked) are not in its clone. It does not create Upper_Svc (the API
    // server refuses the name; reason UpdateApplicationError), the second "web" of "apps"
    // (validateGeneratedApplications: duplicate name; ApplicationValidationError), nor "web" of
    // web-only (controller-runtime's SetControllerReference: "apps" owns it)
    // AND stderr names the directories its clone lacks
    expect(r).toEqual({
      status: 2,
      stderr:
        "Note: Argo CD's clone holds what Git tracks: 2 directories here are untracked or ignored and make no Application (apps/build-svc, apps/scratch-svc). Add what belongs in the repository to Git (git add) to preview it.\n",
      stdout: [
        'APPLICATION  APPLICATIONSET  PROJECT  DESTINATION',
        'conf-svc     apps            default  in-cluster/conf-svc',
        'keep-svc     apps            default  in-cluster/keep-svc',
        'web          apps            default  in-cluster/web',
        '3 Applications.',
        '',
        'Argo CD would not create 3 Applications:',
        `  Upper_Svc (ApplicationSet apps, directory "apps/Upper_Svc"): UpdateApplicationError (CG710): ${UPPER_SVC_REJECTION}`,
        '  web (ApplicationSet apps, directory "more/web"): ApplicationValidationError (CG707): ApplicationSet apps contains applications with duplicate name: web',
        '  web (ApplicationSet web-only, directory "apps/web"): UpdateApplicationError (CG707): Object argocd/web is already owned by another ApplicationSet controller apps',
        '',
      ].join('\n'),
    });
  });

  test('yaml and json give the created Applications, then one ApplicationNotCreated object each', () => {
    // WHEN preview runs with --format json and --format yaml
    const json = cli('preview', '--out', out, '--format', 'json');
    const yaml = cli('preview', '--out', out, '--format', 'yaml');
    // THEN both exit 2 and hold the same objects: the three Applications, then what Argo CD
    // would not create, each with the Application as generated (what Argo CD tries)
    expect([json.status, yaml.status]).toEqual([2, 2]);
    const objects = JSON.parse(json.stdout) as Array<Record<string, any>>;
    expect(parseAllDocuments(yaml.stdout).map((d) => d.toJSON())).toEqual(objects);
    expect(objects.map((o) => [o.kind, o.kind === 'Application' ? o.metadata.name : o.application.metadata.name])).toEqual([
      ['Application', 'conf-svc'],
      ['Application', 'keep-svc'],
      ['Application', 'web'],
      ['ApplicationNotCreated', 'Upper_Svc'],
      ['ApplicationNotCreated', 'web'],
      ['ApplicationNotCreated', 'web'],
    ]);
    const { application, ...refusal } = objects[3];
    expect(refusal).toEqual({
      apiVersion: 'cdk8s-gitops.io/v1',
      kind: 'ApplicationNotCreated',
      applicationSet: 'apps',
      file: 'applicationsets/apps.yaml',
      from: 'directory "apps/Upper_Svc"',
      code: 'CG710',
      reason: 'UpdateApplicationError',
      message: UPPER_SVC_REJECTION,
      causes: [
        {
          reason: 'FieldValueInvalid',
          field: 'metadata.name',
          message: UPPER_SVC_REJECTION.replace('Application.argoproj.io "Upper_Svc" is invalid: ', ''),
        },
      ],
    });
    expect(application.spec.source.path).toBe('apps/Upper_Svc');
    expect(objects[5]).toMatchObject({ applicationSet: 'web-only', ownedBy: 'apps', reason: 'UpdateApplicationError' });
    // AND stderr says so
    expect(json.stderr.slice(json.stderr.indexOf('\n') + 1)).toBe(
      [
        'Warning: Argo CD would not create 3 Applications the ApplicationSets generate:',
        `  Upper_Svc (ApplicationSet apps, directory "apps/Upper_Svc"): UpdateApplicationError (CG710): ${UPPER_SVC_REJECTION}`,
        '  web (ApplicationSet apps, directory "more/web"): ApplicationValidationError (CG707): ApplicationSet apps contains applications with duplicate name: web',
        '  web (ApplicationSet web-only, directory "apps/web"): UpdateApplicationError (CG707): Object argocd/web is already owned by another ApplicationSet controller apps',
        '',
      ].join('\n'),
    );
  });

  test('an untracked directory counts once Git tracks it', () => {
    // GIVEN apps/scratch-svc added to the index
    git(out, 'add', 'apps/scratch-svc');
    try {
      // WHEN preview runs
      const r = cli('preview', '--out', out, '--format', 'json');
      // THEN Argo CD's clone would have it, and it becomes an Application
      const names = (JSON.parse(r.stdout) as Array<Record<string, any>>)
        .filter((o) => o.kind === 'Application')
        .map((o) => o.metadata.name);
      expect(names).toEqual(['conf-svc', 'keep-svc', 'scratch-svc', 'web']);
    } finally {
      git(out, 'reset', '--quiet', '--', 'apps/scratch-svc');
    }
  });
});

describe('check on a checkout with a directory Argo CD cannot make an Application of', () => {
  let out: string;

  beforeEach(() => {
    out = synthesizedCheckout();
  });

  afterEach(() => removeCheckout(out));

  test('reports the Application the API server refuses as a finding, and exits 2', () => {
    // GIVEN the example checkout with a stray service directory Upper_Svc where an ApplicationSet looks
    writeFile(out, 'environments/prod/aws/eu-central-1-01/Upper_Svc/values.yaml', 'replicaCount: 1\n');
    // WHEN check runs
    const r = cli('check', '--out', out, '--format', 'json');
    // THEN it does not fail whole: the finding names the Application Argo CD would try, and the
    // API server's rejection, and the exit code is 2
    expect(r.status).toBe(2);
    const findings = (JSON.parse(r.stdout) as { findings: Array<Record<string, string>> }).findings;
    expect(findings.map((f) => [f.kind, f.code, f.path])).toEqual([
      ['invalid-application', 'CG426', 'environments/prod/aws/eu-central-1-01/Upper_Svc'],
    ]);
    // (the example's ApplicationSet names an Application <basename>-<env>-<cloud>-<cluster>)
    const name = 'Upper_Svc-prod-aws-eu-central-1-01';
    expect(findings[0].message).toBe(
      `Argo CD would not create the Application "${name}" that ApplicationSet workloads-prod generates from directory "environments/prod/aws/eu-central-1-01/Upper_Svc" (UpdateApplicationError): ` +
        `Application.argoproj.io "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
  });
});

describe('check and plan with an ApplicationSet written by hand where the root Application applies it', () => {
  let out: string;

  beforeEach(() => {
    out = synthesizedCheckout();
  });

  afterEach(() => removeCheckout(out));

  /** An ApplicationSet `name` with a list generator making the one Application `name-one`, as JSON or YAML by the file's name. */
  const handWritten = (name: string, file: string): string => {
    const set = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name, namespace: 'argocd' },
      spec: {
        goTemplate: true,
        generators: [{ list: { elements: [{ x: 'one' }] } }],
        template: {
          metadata: { name: `${name}-{{ .x }}` },
          spec: {
            project: 'default',
            source: { repoURL: 'https://git.example.com/other.git', path: 'x', targetRevision: 'main' },
            destination: { server: 'https://kubernetes.default.svc', namespace: 'kube-system' },
          },
        },
      },
    };
    return file.endsWith('.json') ? JSON.stringify(set) : stringify(set);
  };

  test.each([['applicationsets/prod/.quiet.yaml'], ['applicationsets/prod/values.yaml'], ['applicationsets/prod/quiet.json']])(
    'check reports the Application of the ApplicationSet in %s, naming the file, and exits 2',
    (file) => {
      // GIVEN the example checkout with an ApplicationSet nobody declared in that file
      writeFile(out, file, handWritten('quiet', file));
      // WHEN check runs
      const r = cli('check', '--out', out, '--format', 'json');
      // THEN its Application is an undeclared one, found at the file that holds the ApplicationSet
      expect(r.status).toBe(2);
      const findings = (JSON.parse(r.stdout) as { findings: Array<Record<string, string>> }).findings;
      expect(findings).toEqual([
        {
          kind: 'undeclared-application',
          code: 'CG416',
          path: file,
          message:
            'ApplicationSet quiet, which cdk8s-gitops did not write, would generate Application quiet-one, which the program does not declare.',
          fix: 'Remove the ApplicationSet, or declare the target in the program.',
        },
      ]);
    },
  );

  test('a link among the ApplicationSets, hidden name or not, is a stray file for check and refused by preview', () => {
    // GIVEN a link .other.yaml in applicationsets/prod to nonprod's ApplicationSet, which Argo CD would follow
    fs.symlinkSync('../nonprod/workloads-nonprod.yaml', path.join(out, 'applicationsets/prod/.other.yaml'));
    // WHEN check and preview run
    const check = cli('check', '--out', out, '--format', 'json');
    const preview = cli('preview', '--out', out);
    // THEN check names the link as a stray file; preview refuses to read past it
    expect(check.status).toBe(2);
    expect(
      (JSON.parse(check.stdout) as { findings: Array<Record<string, string>> }).findings.map((f) => [f.code, f.path, f.message]),
    ).toEqual([
      [
        'CG423',
        'applicationsets/prod/.other.yaml',
        'applicationsets/prod/.other.yaml is a symbolic link, which Argo CD follows within the repository and applies what it points at, as it applies every manifest of applicationsets/prod; cdk8s-gitops follows no link, so what it applies there is not checked.',
      ],
    ]);
    expect(preview.status).toBe(1);
    expect(preview.stderr).toContain('[applicationsets/prod/.other.yaml] CG408 applicationsets/prod/.other.yaml is a symbolic link');
  });

  test('an ApplicationSet added to a values file cdk8s-gitops wrote is its hand edit, not an ApplicationSet of Argo CD', () => {
    // GIVEN an owned values file with an ApplicationSet appended (no root Application applies a target's directory)
    const file = 'environments/prod/aws/eu-central-1-01/payments-api/values.yaml';
    fs.appendFileSync(path.join(out, file), `---\n${handWritten('quiet', '.yaml')}`);
    // WHEN check runs
    const r = cli('check', '--out', out, '--format', 'json');
    // THEN the findings are the edit of that file and the version it no longer states, no Application
    expect(r.status).toBe(2);
    expect((JSON.parse(r.stdout) as { findings: Array<Record<string, string>> }).findings.map((f) => [f.code, f.path])).toEqual([
      ['CG418', file],
      ['CG413', file],
    ]);
  });

  test('plan keeps the hidden ApplicationSet on both sides: its Application is no change', () => {
    // GIVEN the hidden ApplicationSet, and one owned values file missing (the write brings its Application back)
    writeFile(out, 'applicationsets/prod/.quiet.yaml', handWritten('quiet', '.yaml'));
    fs.rmSync(path.join(out, 'environments/prod/gcp/europe-west4-01/payments-api/values.yaml'));
    // WHEN plan runs
    const r = cli('plan', '--out', out, '--format', 'json');
    // THEN the only Application change is the one the write brings back
    expect(r.stderr).toBe('');
    const plan = JSON.parse(r.stdout) as { applications: Array<Record<string, string>> };
    expect(plan.applications.map((a) => [a.change, a.name])).toEqual([['create', 'payments-api-prod-gcp-europe-west4-01']]);
  });
});

describe('plan with a directory Argo CD cannot make an Application of', () => {
  let out: string;

  beforeEach(() => {
    out = synthesizedCheckout();
  });

  afterEach(() => removeCheckout(out));

  test('never shows it as created, and warns with the API server rejection', () => {
    // GIVEN the example checkout missing one owned values file (the write brings its Application
    // back) and holding a stray directory Upper_Svc where an ApplicationSet looks
    fs.rmSync(path.join(out, 'environments/prod/gcp/europe-west4-01/payments-api/values.yaml'));
    writeFile(out, 'environments/prod/aws/eu-central-1-01/Upper_Svc/values.yaml', 'replicaCount: 1\n');
    // WHEN plan runs
    const r = cli('plan', '--out', out, '--format', 'json');
    // THEN the one Application created is the one the write brings back; Upper_Svc's is not
    // among the changes but in notCreated, and stderr warns with Argo CD's error
    expect(r.status).toBe(2);
    const plan = JSON.parse(r.stdout) as { applications: Array<Record<string, string>>; notCreated: Array<Record<string, any>> };
    expect(plan.applications.map((a) => [a.change, a.name])).toEqual([['create', 'payments-api-prod-gcp-europe-west4-01']]);
    const name = 'Upper_Svc-prod-aws-eu-central-1-01';
    expect(plan.notCreated.map((n) => [n.code, n.reason, n.applicationSet, n.app.metadata.name])).toEqual([
      ['CG710', 'UpdateApplicationError', 'workloads-prod', name],
    ]);
    expect(r.stderr).toContain(
      'Warning: after this write Argo CD would not create 1 Application the ApplicationSets generate; while a create fails, its ApplicationSet deletes none of its Applications:\n' +
        `  ${name} (ApplicationSet workloads-prod, directory "environments/prod/aws/eu-central-1-01/Upper_Svc"): UpdateApplicationError (CG710): Application.argoproj.io "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain`,
    );
  });
});

describe('preview after synth into a Git checkout, before the commit', () => {
  let out: string;

  beforeAll(() => {
    // GIVEN an empty Git repository the example is synthesized into, not committed yet
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-argo-synth-'));
    git(out, 'init', '--quiet', '-b', 'main');
    expect(cli('synth', '--out', out).status).toBe(0);
  });

  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  test('counts what synth wrote (publish commits it) but not a hand-made directory Git does not track', () => {
    // GIVEN a hand-made, untracked service directory where the prod ApplicationSet looks
    writeFile(out, 'environments/prod/aws/eu-central-1-01/stray-svc/values.yaml', 'replicaCount: 1\n');
    // WHEN preview runs
    const r = cli('preview', '--out', out, '--format', 'json');
    // THEN the eight Applications of the example are there (their files are in the manifest,
    // so publish commits them and Argo CD's clone holds them); the stray directory is not in
    // the clone and makes none, and stderr says so
    expect(r.status).toBe(0);
    const names = (JSON.parse(r.stdout) as Array<Record<string, any>>).map((o) => o.metadata.name);
    expect(names).toHaveLength(8);
    expect(names.every((n) => n.startsWith('payments-api-'))).toBe(true);
    expect(r.stderr).toBe(
      "Note: Argo CD's clone holds what Git tracks: 1 directory here is untracked or ignored and makes no Application (environments/prod/aws/eu-central-1-01/stray-svc). Add what belongs in the repository to Git (git add) to preview it.\n",
    );
  });
});

describe('preview of a Git checkout with an ApplicationSet file Git does not track', () => {
  let out: string;

  beforeAll(() => {
    // GIVEN a committed ApplicationSet "apps", a new one in an untracked file, and one in an ignored file
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-argo-untracked-'));
    git(out, 'init', '--quiet', '-b', 'main');
    writeFile(out, 'applicationsets/apps.yaml', applicationSet('apps', ['apps/*'], '{{ .path.basename }}'));
    writeFile(out, 'apps/web/values.yaml', 'replicaCount: 1\n');
    writeFile(out, '.gitignore', 'applicationsets/local.yaml\n');
    git(out, 'add', '.');
    git(out, 'commit', '--quiet', '-m', 'gitops');
    writeFile(out, 'applicationsets/new.yaml', applicationSet('new', ['apps/*'], 'new-{{ .path.basename }}'));
    writeFile(out, 'applicationsets/local.yaml', applicationSet('local', ['apps/*'], 'local-{{ .path.basename }}'));
    writeFile(out, 'applicationsets/notes.yaml', 'kind: ConfigMap\n');
  });

  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  test('warns naming each file, as Argo CD reads only what is committed, and previews the committed ones', () => {
    // WHEN preview runs
    const r = cli('preview', '--out', out);
    // THEN only "apps" generates (Argo CD's clone lacks the other two files), and stderr names
    // both ApplicationSet files, not the untracked file that holds none
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('web          apps');
    expect(r.stdout).not.toContain('new-web');
    expect(r.stderr).toBe(
      [
        'Warning: applicationsets/local.yaml holds an ApplicationSet that Git does not track (untracked or ignored): Argo CD reads only what is committed, so the preview leaves it out. Commit it (git add applicationsets/local.yaml) to preview it.',
        'Warning: applicationsets/new.yaml holds an ApplicationSet that Git does not track (untracked or ignored): Argo CD reads only what is committed, so the preview leaves it out. Commit it (git add applicationsets/new.yaml) to preview it.',
        '',
      ].join('\n'),
    );
  });

  test('preview --help says so', () => {
    // WHEN the help of preview is shown
    const r = cli('preview', '--help');
    // THEN it says that an untracked or ignored ApplicationSet file is left out, with a warning naming it
    expect(r.status).toBe(0);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(
      'an ApplicationSet in a file Git does not track (untracked or ignored) is left out, as Argo CD reads only what is committed, with a warning on stderr naming the file.',
    );
  });
});

describe('preview of the ApplicationSet files a control plane directory holds', () => {
  let out: string;

  beforeEach(() => {
    // GIVEN a Git repository whose directory applicationsets/prod holds "apps" in apps.yaml
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-argo-files-'));
    git(out, 'init', '--quiet', '-b', 'main');
    writeFile(out, 'applicationsets/prod/apps.yaml', applicationSet('apps', ['apps/*'], '{{ .path.basename }}'));
    writeFile(out, 'apps/web/values.yaml', 'replicaCount: 1\n');
  });

  afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

  const commit = (): void => {
    git(out, 'add', '.');
    git(out, 'commit', '--quiet', '-m', 'gitops');
  };

  test('an ApplicationSet written as JSON generates too, as Argo CD applies .json manifests', () => {
    // GIVEN "more" written as JSON in applicationsets/prod/more.json
    const json = parseAllDocuments(applicationSet('more', ['apps/*'], 'more-{{ .path.basename }}'))[0]!.toJSON();
    writeFile(out, 'applicationsets/prod/more.json', JSON.stringify(json));
    commit();
    // WHEN preview runs
    const r = cli('preview', '--out', out);
    // THEN both ApplicationSets generate their Application
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('\nmore-web     more            default  in-cluster/web\n');
    expect(r.stdout).toContain('\nweb          apps            default  in-cluster/web\n');
  });

  test('fails on a .json file that holds an ApplicationSet in YAML, which Argo CD reads as JSON only', () => {
    // GIVEN "more" written in YAML in applicationsets/prod/more.json
    writeFile(out, 'applicationsets/prod/more.json', applicationSet('more', ['apps/*'], 'more-{{ .path.basename }}'));
    commit();
    // WHEN preview runs
    const r = cli('preview', '--out', out);
    // THEN it fails with CG708 naming the file, rather than preview what Argo CD cannot sync
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      '[applicationsets/prod/more.json] CG708 The manifest file "applicationsets/prod/more.json", in a directory its root Application applies, is not one valid JSON value, which Argo CD reads a .json manifest as; Argo CD cannot sync it',
    );
  });

  test("a git files generator reads the hidden files Git tracks, as Argo CD's git ls-files lists them", () => {
    // GIVEN "conf" generating one Application per file of config/**, which holds b.yaml, .a.yaml and .d/c.yaml
    writeFile(
      out,
      'applicationsets/prod/conf.yaml',
      applicationSet('conf', ['apps/*'], 'conf-{{ .k }}').replace(
        "directories:\n          - path: 'apps/*'",
        "files:\n          - path: 'config/**'",
      ),
    );
    writeFile(out, 'config/b.yaml', 'k: visible\n');
    writeFile(out, 'config/.a.yaml', 'k: hidden\n');
    writeFile(out, 'config/.d/c.yaml', 'k: nested\n');
    commit();
    // WHEN preview runs
    const r = cli('preview', '--out', out);
    // THEN each of the three files generates its Application
    expect(r.stderr).toBe('');
    expect(
      r.stdout
        .split('\n')
        .filter((l) => l.startsWith('conf-'))
        .map((l) => l.split(' ')[0]),
    ).toEqual(['conf-hidden', 'conf-nested', 'conf-visible']);
  });

  test('fails when two files of the directory declare one ApplicationSet, of which Argo CD applies only one', () => {
    // GIVEN a second ApplicationSet named "apps" in another.yaml, generating other names
    writeFile(out, 'applicationsets/prod/another.yaml', applicationSet('apps', ['apps/*'], 'other-{{ .path.basename }}'));
    commit();
    // WHEN preview runs
    const r = cli('preview', '--out', out);
    // THEN it fails with CG708 naming both files, rather than show the Applications of both
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      '[applicationsets/prod/apps.yaml] CG708 ApplicationSet "apps" of namespace "argocd" is declared in "applicationsets/prod/another.yaml" and "applicationsets/prod/apps.yaml", ' +
        'which the root Application of directory "applicationsets/prod" deploys: Argo CD applies only one of them (RepeatedResourceWarning), so the preview cannot say which Applications it generates. ' +
        'Fix: Give each ApplicationSet its own name, or remove one of them.',
    );
  });

  test('a hidden file of the directory generates too, as Argo CD applies every manifest there whatever its name', () => {
    // GIVEN "dot" in applicationsets/prod/.dot.yaml, "yml" in .yml.yml, and "deep" in the hidden directory .d/
    writeFile(out, 'applicationsets/prod/.dot.yaml', applicationSet('dot', ['apps/*'], 'dot-{{ .path.basename }}'));
    writeFile(out, 'applicationsets/prod/.yml.yml', applicationSet('yml', ['apps/*'], 'yml-{{ .path.basename }}'));
    writeFile(out, 'applicationsets/prod/.d/deep.yaml', applicationSet('deep', ['apps/*'], 'deep-{{ .path.basename }}'));
    commit();
    // WHEN preview runs
    const r = cli('preview', '--out', out, '--format', 'json');
    // THEN the hidden files' ApplicationSets generate; the one in the hidden directory does not
    // (the root Application does not recurse)
    expect(r.stderr).toBe('');
    const apps = JSON.parse(r.stdout) as Array<{ metadata: { name: string } }>;
    expect(apps.map((a) => a.metadata.name).sort()).toEqual(['dot-web', 'web', 'yml-web']);
  });

  test('a values.yaml cdk8s-gitops did not write is read for ApplicationSets like any manifest', () => {
    // GIVEN "vals" in applicationsets/prod/values.yaml, a file no manifest records
    writeFile(out, 'applicationsets/prod/values.yaml', applicationSet('vals', ['apps/*'], 'vals-{{ .path.basename }}'));
    commit();
    // WHEN preview runs
    const r = cli('preview', '--out', out);
    // THEN its Application is shown
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('vals-web ');
    expect(r.stdout).toContain('2 Applications.');
  });

  test.each([['applicationsets/prod/gen.jsonnet'], ['applicationsets/prod/.gen.jsonnet']])(
    'fails on the Jsonnet file %s beside the ApplicationSets, which Argo CD evaluates and the preview cannot',
    (file) => {
      // GIVEN a Jsonnet file in the directory of ApplicationSets, and one in a service directory
      writeFile(out, file, '{}\n');
      writeFile(out, 'apps/web/x.jsonnet', '{}\n');
      commit();
      // WHEN preview runs
      const r = cli('preview', '--out', out);
      // THEN it fails with CG706 naming that file (the other one is no ApplicationSet's concern)
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(
        `[${file}] CG706 The Jsonnet file "${file}" is in "applicationsets/prod", a directory of ApplicationSets, whose root Application has Argo CD evaluate it as well; ` +
          'the preview does not evaluate Jsonnet, so it cannot say what Argo CD applies there. ' +
          'Fix: Move the file out of the directory (or render it to YAML there), or preview the directory with argocd appset generate.',
      );
    },
  );

  test('the same ApplicationSet name in another namespace or another control plane is another ApplicationSet', () => {
    // GIVEN "apps" in namespace "team" beside it, and "apps" in applicationsets/nonprod
    writeFile(
      out,
      'applicationsets/prod/team.yaml',
      applicationSet('apps', ['apps/*'], 'team-{{ .path.basename }}').replace('namespace: argocd', 'namespace: team'),
    );
    writeFile(out, 'applicationsets/nonprod/apps.yaml', applicationSet('apps', ['apps/*'], 'np-{{ .path.basename }}'));
    commit();
    // WHEN preview runs
    const r = cli('preview', '--out', out);
    // THEN each generates its Application
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('3 Applications.');
  });
});
