import * as fs from 'fs';
import * as path from 'path';
import { removeCheckout, synthesizedCheckout, writeFile } from '../synth/example-checkout';
import { runBin } from '../support/cli';

/*
 * What Argo CD's repo server does with the files of applicationsets/<control plane>/, which the
 * control plane's root Application (bootstrap/<control plane>.yaml) deploys as a source with no
 * explicit type (reposerver/repository/repository.go, util/app/discovery/discovery.go, v3.x):
 *
 * - getObjsFromYAMLOrJSON opens each manifest with utfutil.OpenFile(path, utfutil.UTF8): a
 *   UTF-16 file with its byte-order mark is decoded and applied like UTF-8;
 * - a YAML file goes through kubeyaml.NewYAMLOrJSONDecoder: one starting with "{" is a stream of
 *   JSON values, each one applied; any other is cut at each line starting with "---" (only
 *   spaces or a comment may follow) and each piece decoded with sigs.k8s.io/yaml (go-yaml v2,
 *   whose double-quoted "\x41" is "A"); a .json file is one object read with encoding/json;
 * - every object is applied, whatever its kind, an object with an "items" list item by item;
 * - getPotentiallyValidManifestFile skips a file holding "+argocd:skip-file-rendering";
 * - discovery.AppType renders the directory with Helm when a file's name ends in "Chart.yaml";
 * - the ApplicationSet controller's git generator lists the directories and files of its repoURL
 *   at its revision (applicationset/generators/git.go asks the repo server for them), whatever
 *   repository and branch the root Application follows;
 * - mergeSourceParameters merges .argocd-source.yaml and .argocd-source-<application>.yaml of a
 *   source's path into that source, before the repo server reads it (its directory include too).
 * The root Application's project (bootstrap) admits AppProjects and ApplicationSets in argocd.
 */

const REPO = path.resolve(__dirname, '../..');

/** Runs the built CLI in the repository root, so that cdk8s.yaml's example program is used. */
function cli(...args: string[]): ReturnType<typeof runBin> {
  return runBin(REPO, args, { NO_COLOR: '1' });
}

/** An ApplicationSet written by hand that generates the Application "intruder". */
const INTRUDER = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: intruder
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - list:
        elements:
          - name: intruder
  template:
    metadata:
      name: '{{ .name }}'
    spec:
      project: prod
      destination:
        name: aws-eu-central-1-01
        namespace: payments-api
      source:
        repoURL: https://git.xxxcompany.com/platform/platform-gitops.git
        targetRevision: main
        path: intruder
`;

const INTRUDER_OBJECT = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'intruder', namespace: 'argocd' },
  spec: {
    goTemplate: true,
    generators: [{ list: { elements: [{ name: 'intruder' }] } }],
    template: {
      metadata: { name: '{{ .name }}' },
      spec: {
        project: 'prod',
        destination: { name: 'aws-eu-central-1-01', namespace: 'payments-api' },
        source: { repoURL: 'https://git.xxxcompany.com/platform/platform-gitops.git', targetRevision: 'main', path: 'intruder' },
      },
    },
  },
};

const UNDECLARED =
  '[undeclared-application] CG416 applicationsets/prod/intruder.yaml: ApplicationSet intruder, which cdk8s-gitops did not write, would generate Application intruder, which the program does not declare.';

describe('the files a root Application applies, read as Argo CD reads them', () => {
  let out: string;

  beforeEach(() => {
    out = synthesizedCheckout();
  });

  afterEach(() => removeCheckout(out));

  /** Both commands fail with one CG706 naming the file. */
  function expectRefused(file: string, says: string): void {
    for (const command of ['check', 'preview']) {
      const r = cli(command, '--out', out);
      expect([command, r.status, r.stdout]).toEqual([command, 1, '']);
      expect(r.stderr).toContain(
        `[${file}] CG706 The manifest file ${JSON.stringify(file)}, in a directory its root Application applies, ${says}`,
      );
    }
  }

  test('fails when an ApplicationSet file is UTF-16, which Argo CD decodes and applies', () => {
    // GIVEN a hand-written ApplicationSet in UTF-16 with its byte-order mark (utfutil decodes it)
    fs.writeFileSync(
      path.join(out, 'applicationsets/prod/intruder.yaml'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(INTRUDER, 'utf16le')]),
    );
    // WHEN check and preview run
    // THEN both refuse, naming the file, rather than reading no ApplicationSet there
    expectRefused(
      'applicationsets/prod/intruder.yaml',
      'is UTF-16 (it starts with its byte-order mark), which Argo CD decodes and applies',
    );
  });

  test('fails when a file holds a line break of YAML 1.1 only', () => {
    // GIVEN "project: prod<U+0085>  project: default": go-yaml v2 breaks the line there (is_break
    // knows NEL, LS and PS) and keeps the second key, which YAML 1.2 reads as one line
    writeFile(out, 'applicationsets/prod/intruder.yaml', INTRUDER.replace('project: prod', 'project: prod\u0085      project: default'));
    // WHEN check and preview run
    // THEN both refuse it
    expectRefused('applicationsets/prod/intruder.yaml', 'holds a character go-yaml v2 takes for a line break (U+0085, U+2028 or U+2029)');
  });

  test('check finds the Application of an ApplicationSet whose kind is written with an escape', () => {
    // GIVEN kind: "\x41pplicationSet", which go-yaml v2 reads as ApplicationSet
    writeFile(out, 'applicationsets/prod/intruder.yaml', INTRUDER.replace('kind: ApplicationSet', 'kind: "\\x41pplicationSet"'));
    // WHEN check runs
    const r = cli('check', '--out', out);
    // THEN the Application Argo CD creates from it is a finding
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(UNDECLARED);
    // AND preview shows it
    expect(cli('preview', '--out', out).stdout).toMatch(/^intruder +intruder +prod +aws-eu-central-1-01\/payments-api$/m);
  });

  test('check finds the Application of a .json ApplicationSet whose kind is a \\u escape', () => {
    // GIVEN "kind": "\u0041pplicationSet" in a .json file, which encoding/json reads as ApplicationSet
    writeFile(
      out,
      'applicationsets/prod/intruder.json',
      JSON.stringify(INTRUDER_OBJECT).replace('"ApplicationSet"', '"\\u0041pplicationSet"'),
    );
    // WHEN check runs
    const r = cli('check', '--out', out);
    // THEN the Application is a finding
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(UNDECLARED.replace('intruder.yaml', 'intruder.json'));
  });

  test('check finds an ApplicationSet whose kind a double-quoted scalar folds across lines', () => {
    // GIVEN "Application\<break>  Set": an escaped line break joins the two halves
    writeFile(out, 'applicationsets/prod/intruder.yaml', INTRUDER.replace('kind: ApplicationSet', 'kind: "Application\\\n  Set"'));
    // WHEN check runs
    const r = cli('check', '--out', out);
    // THEN the Application is a finding
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(UNDECLARED);
  });

  test('fails when a YAML file is a stream of JSON objects, each of which Argo CD applies', () => {
    // GIVEN a .yaml file holding a ConfigMap and the ApplicationSet as two JSON objects
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'argocd' } };
    writeFile(out, 'applicationsets/prod/intruder.yaml', `${JSON.stringify(configMap)}\n${JSON.stringify(INTRUDER_OBJECT)}\n`);
    // WHEN check and preview run
    // THEN both refuse it
    expectRefused(
      'applicationsets/prod/intruder.yaml',
      'starts with "{", so Argo CD reads it as a stream of JSON values, and it is not one JSON object',
    );
  });

  test('fails when "---#" cuts a file where YAML sees a single document', () => {
    // GIVEN a ConfigMap whose block scalar seems to hold the ApplicationSet to a YAML parser, while
    // Kubernetes' reader cuts the file at "---#" and applies the indented ApplicationSet after it
    const indented = INTRUDER.split('\n')
      .map((l) => (l === '' ? l : `  ${l}`))
      .join('\n');
    writeFile(
      out,
      'applicationsets/prod/intruder.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: argocd}\ndata:\n  a: |\n---#\n${indented}`,
    );
    // WHEN check and preview run
    // THEN both refuse the ConfigMap of its first piece, which the root Application applies too
    expectRefused('applicationsets/prod/intruder.yaml', 'holds an object of kind ConfigMap (the 1st object) that is not an ApplicationSet');
  });

  test('fails when an AppProject is in a directory of ApplicationSets', () => {
    // GIVEN an AppProject "bootstrap" allowing everything: the root Application's project admits
    // AppProjects, so it would widen the project of the root Application itself
    writeFile(
      out,
      'applicationsets/prod/zz.yaml',
      "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: bootstrap\n  namespace: argocd\nspec:\n  clusterResourceWhitelist: [{group: '*', kind: '*'}]\n  destinations: [{namespace: '*', server: '*'}]\n  sourceRepos: ['*']\n",
    );
    // WHEN check and preview run
    // THEN both refuse it
    expectRefused(
      'applicationsets/prod/zz.yaml',
      'holds an object of kind AppProject (the 1st object) that is not an ApplicationSet of argoproj.io/v1alpha1',
    );
  });

  test('fails when an Application is in a directory of ApplicationSets', () => {
    // GIVEN an Application written straight into the directory
    writeFile(
      out,
      'applicationsets/prod/app.yaml',
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: intruder\n  namespace: argocd\nspec:\n  project: prod\n',
    );
    // WHEN check and preview run
    // THEN both refuse it
    expectRefused('applicationsets/prod/app.yaml', 'holds an object of kind Application (the 1st object) that is not an ApplicationSet');
  });

  test('fails when an ApplicationSet is an item of a list', () => {
    // GIVEN kind: List, whose items Argo CD applies one by one
    const items = INTRUDER.split('\n')
      .map((l, i) => (l === '' ? l : i === 0 ? `  - ${l}` : `    ${l}`))
      .join('\n');
    writeFile(out, 'applicationsets/prod/intruder.yaml', `apiVersion: v1\nkind: List\nitems:\n${items}`);
    // WHEN check and preview run
    // THEN both refuse it
    expectRefused(
      'applicationsets/prod/intruder.yaml',
      'holds a list (the 1st object has "items"), whose items Argo CD applies one by one',
    );
  });

  test('fails when a file named like a chart makes Argo CD render the directory with Helm', () => {
    // GIVEN Chart.yaml and templates/ in the directory: Argo CD then renders templates/ only
    writeFile(out, 'applicationsets/prod/Chart.yaml', 'apiVersion: v2\nname: x\nversion: 0.1.0\n');
    writeFile(
      out,
      'applicationsets/prod/templates/intruder.yaml',
      INTRUDER.replace('kind: ApplicationSet', 'kind: {{ print "Application" "Set" }}'),
    );
    // WHEN preview runs
    const r = cli('preview', '--out', out);
    // THEN it refuses, naming the file
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      '[applicationsets/prod/Chart.yaml] CG706 The file "applicationsets/prod/Chart.yaml" makes Argo CD render "applicationsets/prod", which a root Application deploys, with Helm',
    );
  });

  test('check finds an empty file whose name ends in Chart.yaml', () => {
    // GIVEN an empty .myChart.yaml: discovery matches the suffix, hidden names too
    writeFile(out, 'applicationsets/prod/.myChart.yaml', '');
    // WHEN check runs
    const r = cli('check', '--out', out);
    // THEN it is a finding
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(
      '[stray-file] CG423 applicationsets/prod/.myChart.yaml: applicationsets/prod/.myChart.yaml was not written by cdk8s-gitops, and its name makes Argo CD render applicationsets/prod as a Helm chart',
    );
  });

  test('a file marked to be skipped holds nothing, as Argo CD skips it', () => {
    // GIVEN the ApplicationSet in a file that holds +argocd:skip-file-rendering
    writeFile(out, 'applicationsets/prod/intruder.yaml', `# +argocd:skip-file-rendering\n${INTRUDER}`);
    // WHEN preview and check run
    const preview = cli('preview', '--out', out);
    const check = cli('check', '--out', out);
    // THEN neither sees an Application "intruder"
    expect(preview.status).toBe(0);
    expect(preview.stdout).not.toContain('intruder');
    expect([check.status, check.stdout]).toEqual([0, 'Clean: the checkout is exactly what the program synthesizes.\n']);
  });

  /** An ApplicationSet written by hand whose git directory generator reads `repoURL` at `revision`. */
  function gitApplicationSet(repoURL: string, revision: string): string {
    return INTRUDER.replace(
      '    - list:\n        elements:\n          - name: intruder\n',
      `    - git:\n        repoURL: ${repoURL}\n        revision: ${revision}\n        directories:\n          - path: 'fleet/*'\n`,
    ).replace("name: '{{ .name }}'", "name: '{{ .path.basename }}'");
  }

  test('fails when a git generator reads another repository, whose directories Argo CD lists', () => {
    // GIVEN a git generator of a repository that is not the checkout's: the ApplicationSet
    // controller asks the repo server for that repository's directories (a fleet/* there
    // makes Applications; the checkout has none, so the preview would generate nothing)
    writeFile(out, 'applicationsets/prod/intruder.yaml', gitApplicationSet('https://github.com/someone/fleet.git', 'HEAD'));
    // WHEN check and preview run
    for (const command of ['check', 'preview']) {
      const r = cli(command, '--out', out);
      // THEN both refuse, naming the ApplicationSet, the file and the generator
      expect([command, r.status, r.stdout]).toEqual([command, 1, '']);
      expect(r.stderr).toContain(
        '[applicationsets/prod/intruder.yaml] CG706 ApplicationSet "intruder" in "applicationsets/prod/intruder.yaml" has a git generator (spec.generators[0].git) that reads https://github.com/someone/fleet.git at "HEAD", but the checkout is a clone of https://git.xxxcompany.com/platform/platform-gitops.git at "main", which its control plane\'s Argo CD follows',
      );
    }
  });

  test('fails when a git generator reads another branch of the repository, never without saying so', () => {
    // GIVEN a generator of the checkout's repository at a branch Argo CD does not follow (one
    // nobody reviews): Argo CD lists that branch's directories
    writeFile(
      out,
      'applicationsets/prod/intruder.yaml',
      gitApplicationSet('https://git.xxxcompany.com/platform/platform-gitops.git', 'unreviewed'),
    );
    // WHEN check runs
    const r = cli('check', '--out', out);
    // THEN it refuses
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'reads https://git.xxxcompany.com/platform/platform-gitops.git at "unreviewed", but the checkout is a clone of',
    );
  });

  test("a git generator of the checkout's repository and branch is expanded, the credentials of a refused one never shown", () => {
    // GIVEN one generator of the followed branch (as its full ref) and a file with a repository URL holding a password
    writeFile(
      out,
      'applicationsets/prod/intruder.yaml',
      gitApplicationSet('https://git.xxxcompany.com/platform/platform-gitops.git', 'refs/heads/main').replace(
        "'fleet/*'",
        "'environments/prod/aws/*'",
      ),
    );
    // WHEN check runs
    const r = cli('check', '--out', out);
    // THEN its Application is a finding
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('ApplicationSet intruder, which cdk8s-gitops did not write, would generate Application eu-central-1-01');
    // AND a refused generator's password is not printed
    writeFile(
      out,
      'applicationsets/prod/intruder.yaml',
      gitApplicationSet('https://bot:s3cr3t-token@github.com/someone/fleet.git', 'main'),
    );
    const refused = cli('preview', '--out', out);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('CG706');
    expect(refused.stderr).not.toContain('s3cr3t-token');
  });

  test('a source override beside the AppProjects files is a stray file for check and refused by preview', () => {
    // GIVEN projects/.argocd-source-root.yaml, which widens the root Application's source of
    // projects/ (include: prod.yaml) to every file there, and an ApplicationSet in UTF-16 beside it
    writeFile(out, 'projects/.argocd-source-root.yaml', 'directory:\n  include: "*.yaml"\n');
    fs.writeFileSync(path.join(out, 'projects/zz.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(INTRUDER, 'utf16le')]));
    // WHEN check and preview run
    const check = cli('check', '--out', out);
    const preview = cli('preview', '--out', out);
    // THEN check names the override, and preview refuses it
    expect(check.status).toBe(2);
    expect(check.stdout).toContain(
      '[stray-file] CG423 projects/.argocd-source-root.yaml: projects/.argocd-source-root.yaml was not written by cdk8s-gitops, and Argo CD merges it into the source of each root Application that applies an AppProjects file of projects',
    );
    expect(preview.status).toBe(1);
    expect(preview.stderr).toContain(
      '[projects/.argocd-source-root.yaml] CG706 The file "projects/.argocd-source-root.yaml" changes the source of each root Application',
    );
  });
});
