/**
 * Every error code of cdk8s-gitops, in one place: what it means, where it is raised and how
 * to fix it. `docs/errors.md` is generated from this list (`npm run docs:errors`), and a test
 * checks that every code raised in `src/` is listed here and that nothing listed is unused.
 *
 * Ranges: CG1xx the platform program, CG2xx a release ledger, CG3xx the command line, CG4xx the
 * checkout being written, CG5xx git, CG6xx promotion rules, CG7xx previews.
 */

/** What part of the work a code belongs to. */
export type ErrorWhere = 'program' | 'ledger' | 'cli' | 'checkout' | 'git' | 'promotion' | 'preview' | 'live';

/** One entry of the catalogue. */
export interface ErrorEntry {
  /** Stable code, e.g. `CG101`. */
  readonly code: string;
  /** A few words, e.g. `Name is not a DNS-1123 label`. */
  readonly title: string;
  /** The part of the work that raises it. */
  readonly where: ErrorWhere;
  /** What went wrong, in a sentence or two. */
  readonly description: string;
  /** The usual fix: the one `problem()` and `GitOpsError.of()` give when a call site gives none for its case. */
  readonly fix: string;
}

const ENTRIES = [
  // CG1xx: the platform program
  {
    code: 'CG100',
    where: 'program',
    title: 'Construct outside a Platform',
    description: 'A construct was created with a scope that is not a Platform nor inside one.',
    fix: 'Create it with a Platform (or a construct inside one) as its scope.',
  },
  {
    code: 'CG101',
    where: 'program',
    title: 'Name is not a DNS-1123 label',
    description:
      'A name that becomes a directory, label value or Kubernetes name (environment, cloud, cluster, service, namespace, Argo CD namespace of the platform or a control plane, control plane, ring) is empty, too long, or has characters other than lower-case ASCII letters, digits and "-" (including look-alike Unicode letters such as Cyrillic "а"); or a cluster destination is empty or holds glob characters; or a cluster region is empty, longer than 63 characters, or holds characters other than letters, digits, "-", "_" and ".".',
    fix: 'Rename it: lower-case ASCII letters, digits and "-", at most 63 characters, starting and ending with a letter or digit.',
  },
  {
    code: 'CG102',
    where: 'program',
    title: 'Helm release or Application name is invalid',
    description:
      'A Helm release name is not a DNS-1123 subdomain of at most 53 characters, or a generated Application name `<service>-<env>-<cloud>-<cluster>` is not a DNS-1123 subdomain.',
    fix: 'Set a shorter releaseName, or shorten the service, cloud or cluster name.',
  },
  {
    code: 'CG103',
    where: 'program',
    title: 'Duplicate construct id',
    description: 'Two constructs in one scope have the same id (environments and services share the Platform scope).',
    fix: 'Give one of them another id (ids are unique within their scope).',
  },
  {
    code: 'CG104',
    where: 'program',
    title: 'Two Applications share a destination and namespace',
    description:
      'Two Applications of one control plane would deploy into the same namespace of the same cluster and fight over its resources. Where they are on two clusters registered under one destination, the destination is the cause: CG105 says so once, naming the Applications.',
    fix: 'Give one service another namespace.',
  },
  {
    code: 'CG105',
    where: 'program',
    title: 'Two clusters share a destination',
    description:
      'Two or more clusters are registered under the same destination name in one control plane: one problem per destination, naming the clusters and the Applications that would then share a namespace.',
    fix: 'Manage the environments from separate control planes, or register one cluster under a destination of its own (`new Cluster(env, name, { destination })`): its targets then come from an ApplicationSet of its own, `workloads-<env>-<cloud>-<cluster>` (README, "When a service or a cluster gets its own ApplicationSet").',
  },
  {
    code: 'CG106',
    where: 'program',
    title: 'Service has no application repository',
    description: 'A service sets no repoURL and the Platform has no applicationRepoURLPattern.',
    fix: 'Set repoURL on the service, or applicationRepoURLPattern (e.g. "https://git.example.com/apps/{service}.git") on the Platform.',
  },
  {
    code: 'CG107',
    where: 'program',
    title: 'Values are not plain data',
    description: 'Values hold a function, class instance, undefined, a non-finite number, a symbol, a bigint or a cycle.',
    fix: 'Use only strings, numbers, booleans, null, lists and plain objects in values.',
  },
  {
    code: 'CG108',
    where: 'program',
    title: 'Path is not a safe relative path',
    description:
      'A chartPath or layout directory is empty, absolute, has "." or ".." segments, is hidden (".git", ".cdk8s-gitops") or has unusual characters, so files could land outside the repository or inside .git.',
    fix: 'Use a relative path of plain segments, e.g. "deploy/chart" or "environments".',
  },
  {
    code: 'CG109',
    where: 'program',
    title: 'Repository URL is not a Git URL',
    description:
      'A repoURL or applicationRepoURLPattern is not an https, ssh or git URL, or holds glob characters ("*", "?", "[") that Argo CD would read as a pattern in an AppProject\'s sourceRepos; or the revision of a chart in a Git repository, or the platform\'s revision (the GitOps repository\'s branch), is not a Git revision (letters, digits and "._/+-", not starting with "-", no "..", a name Git takes for a ref).',
    fix: 'Use the URL Argo CD clones, e.g. https://git.example.com/platform/platform-gitops.git.',
  },
  {
    code: 'CG110',
    where: 'program',
    title: 'revisionHistoryLimit is invalid',
    description: "An environment's revisionHistoryLimit is not a whole number of at least 0.",
    fix: "Use e.g. 3, or leave it out for Argo CD's default of 10.",
  },
  {
    code: 'CG111',
    where: 'program',
    title: 'Image repository is missing, pinned or malformed',
    description:
      'A service has no image.repository, or it carries a tag or digest, or it is not an image repository as container runtimes read one: an optional registry host[:port], then path components of lower-case letters and digits joined by ".", "_", "__" or "-"; no credentials (user:password@), spaces or template braces.',
    fix: 'Give the repository only; digests come from the release ledger (`cdk8s-gitops promote`).',
  },
  {
    code: 'CG112',
    where: 'program',
    title: 'deployTo received something else',
    description: 'Service.deployTo was given something other than an Environment, a Cluster or a list of them.',
    fix: 'Pass an Environment, a Cluster, or a list of them.',
  },
  {
    code: 'CG113',
    where: 'program',
    title: 'Values set a key the ledger owns',
    description: 'Values set image.digest or image.tag, which only the release ledger sets.',
    fix: "Remove it from the values; set the first digest with the service's initialDigest, later ones with `cdk8s-gitops promote`.",
  },
  {
    code: 'CG114',
    where: 'program',
    title: 'Two targets share an Application name',
    description: 'Two targets of one control plane would generate the same Application name.',
    fix: 'Rename a service, cluster or cloud so that `<service>-<env>-<cloud>-<cluster>` differs.',
  },
  {
    code: 'CG115',
    where: 'program',
    title: 'initialDigest is not a digest',
    description: "A service's initialDigest is not sha256:<64 lower-case hex> where an environment requires digests.",
    fix: 'Use the image digest as sha256:<64 lower-case hex digits>, e.g. from `docker buildx imagetools inspect`.',
  },
  {
    code: 'CG116',
    where: 'program',
    title: 'Target is in no promotion ring',
    description: 'Promotion rings are declared but a target is selected by none of them.',
    fix: 'Select it in exactly one ring.',
  },
  {
    code: 'CG117',
    where: 'program',
    title: 'Target is in several promotion rings',
    description: 'A target is selected by more than one promotion ring.',
    fix: 'Narrow the rings with .except(...) so that each target is in one ring.',
  },
  {
    code: 'CG118',
    where: 'program',
    title: 'Promotion ring selects no target',
    description: "A promotion ring's targets selector matches no target.",
    fix: 'Fix its targets selector, or remove the ring.',
  },
  {
    code: 'CG119',
    where: 'program',
    title: 'Placement on another platform',
    description: 'A service is placed on a cluster of another Platform.',
    fix: 'Place services only on clusters of their own platform.',
  },
  {
    code: 'CG120',
    where: 'program',
    title: 'Literal secret in values',
    description:
      'Values hold a secret in clear text, which would be committed to the GitOps repository: a string or number under a key whose words name a secret (password, passwd, pass, pwd, pw, passphrase, secret, token, credentials, creds, bearer, apiKey, privateKey, signingKey …), or anything beneath such a key; the value of a `{ name, value }` env entry whose name names a secret; a PEM private key (plain or base64) or a URL with a password in its userinfo, under any key; a long random string under a key, auth, salt or hash key, or under a reference such as secretName. A whole value that refers to a secret kept elsewhere (`${DB_PASSWORD}`, argocd-vault-plugin `<path:…#key>`, `ref+vault://…`), a value SOPS or Sealed Secrets encrypted, a setting (`enabled`) or a boolean is none.',
    fix: "Reference the secret in an external secret store (e.g. `externalSecrets` with a `secretStoreRef`); if the value is not secret, list its key path in the service's allowLiteralSecrets.",
  },
  {
    code: 'CG121',
    where: 'program',
    title: "Values violate the chart's values schema",
    description:
      "A target's final merged values do not satisfy the JSON schema the service gives as valuesSchema (the chart's values.schema.json), so Helm would refuse to render it.",
    fix: 'Change the value at the key path named (the message says which layer set it), or update the schema.',
  },
  {
    code: 'CG122',
    where: 'program',
    title: 'Values schema cannot be used',
    description: "A service's valuesSchema file cannot be read, is not JSON, or is not a JSON schema ajv can compile.",
    fix: "Point ValuesSchema.fromFile at the chart's values.schema.json, or pass the schema with ValuesSchema.fromObject.",
  },
  {
    code: 'CG123',
    where: 'program',
    title: 'Service or cluster add-on deploys into the Argo CD namespace',
    description:
      "A service's or cluster add-on's namespace is the namespace its control plane's Argo CD runs in; a project that can deploy there can change Argo CD itself.",
    fix: 'Give the service or add-on its own namespace.',
  },
  {
    code: 'CG124',
    where: 'program',
    title: 'Layout directories overlap',
    description:
      "Two layout directories are the same, or one lies inside the other, so files of one kind would land among the other's (and extra directories could become Applications).",
    fix: 'Give each part of the tree its own top-level directory.',
  },
  {
    code: 'CG125',
    where: 'program',
    title: 'Two ApplicationSets share a name',
    description:
      'The ApplicationSet for a service with its own settings and the one for a cluster with its own destination would get the same name in one control plane, so one of them would generate wrong Applications; or an ApplicationSet name would be longer than 250 characters (Kubernetes takes 253, and its file name must fit 255 bytes).',
    fix: 'Rename a service, cluster or cloud: a service or cluster with its own settings gets an ApplicationSet named <workloads|rendered>-<env>[-<cloud>-<cluster>][-<service>].',
  },
  {
    code: 'CG126',
    where: 'program',
    title: 'Reserved environment name',
    description:
      'An environment is named "bootstrap" or "default": its AppProject would replace the bootstrap project or Argo CD\'s default project.',
    fix: 'Rename the environment.',
  },
  {
    code: 'CG128',
    where: 'program',
    title: 'Invalid duration',
    description: 'A Duration (e.g. a soak gate) is negative or not a finite number of seconds.',
    fix: 'Use e.g. Duration.hours(2) or Duration.minutes(30).',
  },
  {
    code: 'CG129',
    where: 'program',
    title: 'Invalid sync window duration',
    description:
      'A sync window\'s duration is not a positive duration of hours, minutes and seconds as Argo CD reads it (Go\'s time.ParseDuration), e.g. "8h" or "1h30m".',
    fix: 'Use hours, minutes and seconds as Argo CD reads them, e.g. "8h", "90m" or "1h30m".',
  },
  {
    code: 'CG130',
    where: 'program',
    title: 'Render function failed',
    description: 'The render function of a rendered service threw, or the objects it built do not synthesize with cdk8s.',
    fix: 'Fix the render function; the message names the target and the error.',
  },
  {
    code: 'CG131',
    where: 'program',
    title: 'Image placeholder misplaced',
    description:
      "The image placeholder of a rendered service (ctx.image) stands somewhere other than as a container's whole image, or was altered, so the digest cannot be put in its place.",
    fix: 'Use ctx.image only as a container image, unchanged (image: ctx.image); for a tag or another image, use a literal reference.',
  },
  {
    code: 'CG132',
    where: 'program',
    title: 'Two rendered objects in one file',
    description:
      'Two rendered objects of a target (or one and the namespace baseline) would be written to the same file, <kind>-<name>.yaml.',
    fix: 'Give one of the objects another name.',
  },
  {
    code: 'CG133',
    where: 'program',
    title: 'Rendered object is invalid',
    description:
      'A rendered object has no apiVersion, kind or metadata.name, an invalid name, or still refers to the construct-path label cdk8s.io/metadata.addr.',
    fix: 'Give every object an apiVersion, kind and a DNS-1123 name; select pods by the identity labels the SDK sets.',
  },
  {
    code: 'CG134',
    where: 'program',
    title: 'Chart settings given on the service',
    description:
      'A Helm chart setting (repoURL, chartPath, targetRevision, releaseName) is given on the service itself. Since 0.2 chart settings belong only to Workload.helmChart(); a service whose workload is rendered takes none.',
    fix: 'Move the settings into workload: Workload.helmChart({...}); rendered services take none.',
  },
  {
    code: 'CG135',
    where: 'program',
    title: 'Two services share a name',
    description:
      'Two Service constructs in different scopes of one platform have the same name; their directories, ledgers and Applications would collide.',
    fix: 'Give one of them another id.',
  },
  {
    code: 'CG136',
    where: 'program',
    title: 'Invalid namespace baseline',
    description: 'NamespaceBaseline.standard() lacks a quota or limits, or one of them is malformed.',
    fix: 'Pass quota and limits, e.g. NamespaceBaseline.standard({ quota: { cpu: "8", memory: "16Gi" }, limits: { … } }).',
  },
  {
    code: 'CG137',
    where: 'program',
    title: 'Generated Argo CD object fails its schema',
    description:
      'An ApplicationSet, AppProject or bootstrap Application built from the program does not pass the @kubernetes-models/argo-cd schema (required fields, types, enums); it is not written.',
    fix: 'Fix the value the message names in the program; if the program is right, report a bug of cdk8s-gitops.',
  },
  {
    code: 'CG138',
    where: 'program',
    title: 'Service deploys into a namespace of the cluster',
    description:
      "A service's namespace is kube-system, kube-public, kube-node-lease, default or the namespace of another Argo CD of the platform, and the service does not set allowSensitiveNamespace: its environment's AppProject would let every Application of the environment deploy there. Or the service sets it, but deploys to an environment with a namespace baseline, which would take the namespace over.",
    fix: 'Give the service its own namespace; if it must run there, set allowSensitiveNamespace: true and deploy it to environments without a namespace baseline.',
  },
  {
    code: 'CG139',
    where: 'program',
    title: 'Rendered object the target cannot apply',
    description:
      "A rendered service renders a Role, RoleBinding or network policy (networking.k8s.io NetworkPolicy, CiliumNetworkPolicy, Calico NetworkPolicy) that its environment does not allow in allowedNamespacedResources (the environment's AppProject keeps the kind out, so Argo CD would refuse to sync it; in an environment with a namespace baseline this holds for NetworkPolicy too, although the AppProject lets the baseline's own in); a cluster-scoped object of a kind the environment does not list in clusterResources (on Flux, where a service runs as its namespace's admin, any); an object in another namespace than the service's (Argo CD would refuse it, Flux would move it); or, on Flux, a Flux Kustomization or HelmRelease without spec.serviceAccountName or with a source, chart or kubeconfig of another namespace or cluster, which Flux would reconcile beyond the service's rights.",
    fix: 'Leave the object out, or allow its kind on the environment (allowedNamespacedResources, clusterResources); leave metadata.namespace out; give a Flux object spec.serviceAccountName and sources of its own namespace.',
  },
  {
    code: 'CG140',
    where: 'program',
    title: 'Invalid sync window schedule or time zone',
    description:
      'A sync window\'s schedule is not a cron expression Argo CD accepts (five fields: minute 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC, weekday 0-6 or SUN-SAT; "*", "?", lists, ranges and "/n" steps; no @descriptors, no CRON_TZ= prefix), or its time zone is not an IANA time zone name. Argo CD refuses such a schedule, and silently falls back to UTC for an unknown time zone.',
    fix: 'Use e.g. SyncWindow.deny("0 22 * * MON-FRI", "8h", { timeZone: "Europe/Amsterdam" }).',
  },
  {
    code: 'CG141',
    where: 'program',
    title: 'Write would delete Applications the program does not declare removed',
    description:
      "A write (synth, publish, promote, rollback, unhold) would delete Applications: their directories or ApplicationSets would go, because a service, cluster, environment or ring was removed or renamed, or a target moved to a ring that runs nothing; or they would move to another ApplicationSet (a service whose chart settings now differ from what its ApplicationSet's template derives, or the reverse; an environment whose ApplicationSets are split by cluster as it crosses maxApplicationsPerApplicationSet, or joined again as it falls under it), which the ApplicationSet controller of Argo CD does by deleting them from the one before the other creates them; or they would move to another Argo CD (an environment given another control plane), whose old ApplicationSet stays and runs them beside the new one until it is deleted; or what they run would be made anew (a service whose namespace or Helm release name changes), Argo CD pruning what ran before with its volumes' data. The generated Applications carry the resources finalizer and prune, so Argo CD would delete what they run. Nothing was written. The error names at most 10 Applications of each cause and 20 causes, and counts the rest (`--verbose` prints every cause); `plan` lists every Application.",
    fix: 'Declare the removal in the program (platform.removed(Removal.service(...)), Removal.cluster(...), Removal.application(...)), declare a ring rename or split with movedFrom on the new ring, or pass --allow-remove <application or glob> to this one command (the only way for an Application the program still declares: one that moves, or whose namespace or release name changes). To keep an environment split by cluster as it falls under the cap, declare applicationSets: ApplicationSetSplit.PER_CLUSTER on it.',
  },
  {
    code: 'CG142',
    where: 'program',
    title: 'Invalid ring move',
    description:
      "A PromotionRing's movedFrom names its own ring, a ring that is not a DNS-1123 label, or a ring the program still declares while another declared ring moves from it too, or lists one ring twice.",
    fix: "List in movedFrom the old names of the ring (e.g. movedFrom: ['prod'] on the ring that was 'prod'), each once.",
  },
  {
    code: 'CG143',
    where: 'program',
    title: 'Invalid removal',
    description:
      'A removal declared with platform.removed(...) names nothing usable (an empty or malformed name or pattern), or something the program still declares (a removed service, cluster, environment or ring that is still there).',
    fix: "Name what the program no longer declares, e.g. Removal.service('legacy-api') or Removal.cluster('prod/aws/eu-central-1-01'); drop the removal once what it names is back in the program.",
  },

  {
    code: 'CG144',
    where: 'program',
    title: 'Write would change what targets run without a promotion',
    description:
      'A write made from the program (synth, publish) would change the image digest of targets although the ledger entry of their ring did not change: the program moved them to a ring that runs another digest, or a ring took over (movedFrom) the entry of a ring they did not run in, or two rings that run different digests were merged; or their files were changed by hand together with their record in the manifest. Their new digest would skip the gates of the ring. What a target runs is read from its files; what its ring ran from the ledger as cdk8s-gitops last wrote it, in the checkout or in Git. Nothing was written.',
    fix: "Keep the targets in their ring; or first make both rings run one digest (promote the new ring's digest into the ring they leave, or roll the ring they join back), then move them. movedFrom names only a ring's own old names. Files changed by hand: revert the commit that changed them. In a shallow clone whose ledger changed in commits it does not hold, git fetch --unshallow first.",
  },

  {
    code: 'CG145',
    where: 'program',
    title: 'Published chart is not usable',
    description:
      'A chart from a Helm repository (Workload.helmRepositoryChart) or an OCI registry (Workload.ociChart) names a repository Argo CD cannot read as exactly that repository (not an http(s) URL, or not oci://<registry>/<path>; white space or glob characters), a chart name Helm does not accept, or a version that is not one exact SemVer 2 version: a range (^1.2, ~1, 1.x, *) would let the chart move without a promotion.',
    fix: "Helm repository: repoURL 'https://charts.example.com/stable', chart 'payments-api', version '1.4.2'. OCI: repoURL 'oci://registry.example.com/charts/payments-api' (no tag), version '1.4.2'.",
  },
  {
    code: 'CG146',
    where: 'program',
    title: 'Named images are declared wrongly',
    description:
      "A service with several images (`images`) names them wrongly: it also sets `image` or a service-wide `initialDigest`, names no image, names one with other than a DNS-1123 label, gives a `valuesKey` that is not a dotted path of values keys, lies under `global` (whose keys cdk8s-gitops sets) or is shared with or nested in another image's, or gives an `initialDigest` to some images and not to others.",
    fix: "Declare images: { api: { repository: '…' }, worker: { repository: '…', valuesKey: 'worker.image' } }, each name a DNS-1123 label, each values key its own; give every image an initialDigest or none.",
  },
  {
    code: 'CG147',
    where: 'program',
    title: 'Kustomize workload is declared wrongly',
    description:
      "A Kustomize service (Workload.kustomize, Workload.kustomizePlatformBase) gives a base Kustomize or Argo CD cannot read as exactly that base (a repository URL with a port, a query or a fragment; a revision or path with characters a remote base URL would read otherwise; a path in the GitOps repository that is, holds or lies in a place cdk8s-gitops writes or keeps: the layout's directories, clusters/, STATUS.md, CODEOWNERS, .cdk8s-gitops/, compared without regard to case), a patch that is not usable (no target kind, a target that names no object and selects none, a strategic merge patch without apiVersion or one that sets apiVersion, kind or metadata.name itself, a JSON patch operation that is not RFC 6902, a patch that sets a container image, which only a promotion may change), values (which never reach a Kustomize service's objects), or patches for a service that is not a Kustomize service.",
    fix: "Workload.kustomize({ repoURL: 'https://git.example.com/apps/web.git', path: 'deploy/kustomize', patches: [KustomizePatch.strategicMerge({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, { spec: { replicas: 2 } })] }).",
  },
  {
    code: 'CG148',
    where: 'program',
    title: 'Cluster add-on is declared wrongly',
    description:
      "A cluster add-on (ClusterAddon) installs something other than a Helm chart, names a cluster-scoped or namespaced kind its AppProject should allow that is not one kind of one API group (a pattern, `*`, an empty kind), is placed with deployTo (an add-on is installed on the clusters its `clusters` selector picks), has no chart, a selector that picks no cluster, or values (valuesOn) for an environment or cluster it is not on, or its AppProject (`<environment>-addon-<add-on>`) would have the name of an environment's AppProject.",
    fix: "new ClusterAddon(platform, 'otel-collector', { chart: Workload.helmRepositoryChart({ … }), image: { repository: '…' }, clusters: Targets.all(), clusterResources: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }] }); values per environment or cluster with valuesOn().",
  },
  {
    code: 'CG149',
    where: 'program',
    title: 'Self-managed Argo CD is declared wrongly',
    description:
      'A SelfManagedArgoCd does not say which clusters its control planes run on (runsOn), names two clusters of one control plane or control planes with different namespaces, sets in its values what the program declares itself (configs.clusterCredentials, configs.repositories, configs.credentialTemplates, configs.secret), names a group its RBAC policy cannot hold; or a cluster its control plane registers has no https server URL, no credentials, credentials that are not a ClusterCredentials (a literal token or config), credentials declared wrongly (a caData that is not a CA certificate, a missing store or key), or labels its cluster Secret cannot carry.',
    fix: "new SelfManagedArgoCd(platform, 'argo-cd', { chart: Workload.helmRepositoryChart({ repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '…' }), runsOn: [nonprodCluster, prodCluster] }); each other cluster: server: 'https://…', credentials: ClusterCredentials.awsIam({ … }) (or exec, externalSecret).",
  },
  {
    code: 'CG150',
    where: 'program',
    title: 'Environment role is declared wrongly',
    description:
      "An environment's roles are not a list, or a role has a name Argo CD does not accept for a project role (letters, digits, '-' and '_'), a policy not of the form Argo CD takes for a project role (p, proj:<env>:<role>, <resource>, <action>, <env>/<object>, allow or deny), or groups that are not a list of one-line names without a quote in them (Argo CD writes each group as a field of a policy line).",
    fix: "Name roles as Argo CD does and list their groups as the identity provider names them: roles: [{ name: 'deployers', policies: ['p, proj:prod:deployers, applications, sync, prod/*, allow'], groups: ['payments-oncall'] }].",
  },
  {
    code: 'CG151',
    where: 'program',
    title: 'Reconciler is declared wrongly',
    description:
      "A control plane's reconciler is not a Reconciler, its Argo CD API settings are not usable (a server that is not host[:port] or an https:// URL, or names a user, password, query or fragment; a CA file that is not a path; a timeout not from 1 to 300 whole seconds), its Flux interval is not a whole number of seconds, its source credentials are not usable (a URL that is not a repository's or holds a user, password, query or fragment; a Secret name that is not a Kubernetes name; a provider Flux does not take for the repository), or a control plane reconciled by Flux has what cannot run there (a SelfManagedArgoCd, which manages itself from a cluster Argo CD reconciles; sync windows, which Flux does not have; an environment's clusterResources, or an add-on's cluster-scoped kinds from a namespace of the cluster itself or of unknown scope, whose rights any pod of the namespace could take; two add-ons in one namespace of a cluster) or what Flux cannot be given (a manual sync policy, a Git revision Flux does not resolve, a git:// repository URL, an SSH repository without a Secret, a service in Flux's namespace or named as Flux's own objects).",
    fix: 'Give reconciler: Reconciler.flux() or Reconciler.argoCd(); keep what Flux cannot run on a control plane reconciled by Argo CD.',
  },
  {
    code: 'CG152',
    where: 'program',
    title: 'Team is declared wrongly',
    description:
      "A team's name is not a DNS-1123 label, or it lists no identity-provider groups or no CODEOWNERS owners, or an entry that is not one (a group with a line break, quote or comma, which Argo CD's RBAC policy lines cannot hold; an owner that is not @name, @org/team or an e-mail address), or lists one twice (or an empty approverGroups, which would widen production to every member), or its AppProject in an environment (`<environment>-team-<team>`) would have the name of another AppProject of the control plane; or, in a platform that declares teams, a service belongs to no team or to two, two teams share a name, there is not exactly one platform team, an environment lets its services create cluster-scoped kinds (clusterResources, which would reach every team's namespaces), or another team than the platform team owns Argo CD's own installation, a cluster add-on with cluster-scoped kinds, or a service in a namespace of the cluster or of an Argo CD (allowSensitiveNamespace); or a team's service (not the platform team's) runs in production with its chart or Kustomize base read from a Git repository at a revision that is not a full commit SHA, which that repository's merges move past the GitOps repository's CODEOWNERS: in the program's targetRevision, or in a production ring's ledger entry (a tag promoted while the service was the platform team's, or before its environment was production; a write of the program is refused, and check fails, until a promotion by commit SHA replaces it).",
    fix: 'Declare each service inside its team (new Service(team, …)) or claim it with team.owns(service), and mark one team platform: true.',
  },
  {
    code: 'CG153',
    where: 'program',
    title: 'ApplicationSet over its cap',
    description:
      "maxApplicationsPerApplicationSet of the platform or a control plane is not a whole number from 1 to 1,000,000, an environment's applicationSets is not an ApplicationSetSplit, or one cluster alone has more targets for one ApplicationSet than that cap: an environment over the cap has its ApplicationSets split by cluster, and a cluster is the finest split (a finer one would move Applications between ApplicationSets as targets are added, and Argo CD deletes an Application before another ApplicationSet can create it).",
    fix: "Give maxApplicationsPerApplicationSet a whole number at least the largest cluster's target count, and raise Argo CD's applicationsetcontroller.status.max.resources.count to match if it is over 5,000.",
  },

  {
    code: 'CG154',
    where: 'program',
    title: 'Application-controller sharding is declared wrongly',
    description:
      "A control plane's controllerReplicas is not a whole number from 1 to 1,000,000, or a controllerShard (of a control plane or a cluster) is not a whole number from 0 below 1,000,000 or not below the control plane's controllerReplicas (no controller replica would reconcile that cluster's Applications), or either is declared on a control plane no SelfManagedArgoCd manages (nothing writes the cluster Secret that would carry the shard), or Argo CD's values set controller.replicas to another count than the control plane's controllerReplicas.",
    fix: 'Give controllerReplicas: 3 and controllerShard from 0 to 2 on a control plane a SelfManagedArgoCd runs on, or leave them out and let Argo CD assign the shards.',
  },

  {
    code: 'CG155',
    where: 'program',
    title: 'GitOps repositories declared wrongly',
    description:
      "A ring's targets are read from control planes of different GitOps repositories (ControlPlaneProps.repository): a ring's releases are recorded in the ledgers of one repository, and the Argo CD of another never reads them; or one repository is read at two revisions (by the platform and a control plane, or by two control planes), which one checkout cannot hold; or a repository's rings do not follow one another (a ring of another repository between two of its rings), so that its ledgers would judge a ring by a ring before the one it follows and let a release skip the rings between.",
    fix: 'Split the ring into one ring per repository (one after the other), or give those control planes one repository; read a repository at one revision; order the rings so that those of one repository follow one another.',
  },

  {
    code: 'CG156',
    where: 'program',
    title: 'Gate behind a ring of another GitOps repository',
    description:
      "A ring has Gate.healthy() or Gate.soak() while the ring before it is read from another GitOps repository: a promotion into the ring is made in its own repository's checkout, which reads neither the ring before's ledger (the release it runs, the commit that recorded it) nor its control planes, so the gate could not be held, by the promotion nor by check and publish after it.",
    fix: "Drop the gate from that ring and order the promotion in the pipeline (cdk8s-gitops wait <service> --ring <ring before> --repository <its repository> in that repository's checkout, then promote), or read both rings from one repository.",
  },

  // CG2xx: release ledgers
  {
    code: 'CG201',
    where: 'ledger',
    title: 'Ledger is not valid YAML',
    description: 'The ledger is not valid YAML (syntax error, duplicate key, several documents).',
    fix: 'Correct the YAML at or before the line named, or restore the file from Git history.',
  },
  {
    code: 'CG202',
    where: 'ledger',
    title: 'Ledger field is wrong, unknown or missing',
    description: 'A ledger field has the wrong type, is unknown or is missing, or the ledger uses YAML aliases.',
    fix: 'Write the field as the message says, or restore the file from Git history.',
  },
  {
    code: 'CG203',
    where: 'ledger',
    title: 'Ledger digest is invalid',
    description: 'A digest is not sha256:<64 lowercase hex> (nor an image tag).',
    fix: 'Write the image digest, sha256:<64 lowercase hex>.',
  },
  {
    code: 'CG204',
    where: 'ledger',
    title: 'Ledger ring runs a tag where digests are required',
    description: 'A ring that takes only digests runs a tag.',
    fix: "Write the digest of that tag, or allow tags in the ring's environments.",
  },
  {
    code: 'CG205',
    where: 'ledger',
    title: 'Ledger names another service',
    description: 'The service named in the ledger does not match the file name.',
    fix: 'Rename the file, or correct the service field.',
  },
  {
    code: 'CG206',
    where: 'ledger',
    title: 'Ledger timestamp is invalid',
    description: 'A timestamp is not UTC RFC 3339 with whole seconds.',
    fix: 'Write the time in UTC with whole seconds and a Z, quoted, e.g. "2026-11-22T10:00:00Z".',
  },
  {
    code: 'CG207',
    where: 'ledger',
    title: 'Ledger name is invalid',
    description: 'A service or ring name is not a DNS-1123 label.',
    fix: 'Use lower-case letters, digits and "-" (a DNS-1123 label, at most 63 characters).',
  },
  {
    code: 'CG208',
    where: 'ledger',
    title: 'Ledger name or reason is empty',
    description: 'A name of a person or a reason is empty.',
    fix: 'Write who did it (a person or an automation such as `ci`), or for a hold why.',
  },
  {
    code: 'CG209',
    where: 'ledger',
    title: 'Ledger has a ring the program does not declare',
    description:
      'A release ledger records a ring the program does not declare (a renamed or removed ring, or a typo in a hand edit). Its targets would stop being emitted and Argo CD would delete their Applications, so every command that reads the ledger refuses it. The ledger a change is judged by (the last commit\'s, "as of HEAD") is held to the same rule: a ring renamed twice must list every name it had in movedFrom. In the checkout of one of several GitOps repositories, a ring the program now places in another repository (its control planes moved there) is refused the same way: a ring\'s releases do not move between repositories.',
    fix: "If the ring was renamed or split, add movedFrom: ['<old name>'] to the new ring(s) (every old name, for a ring renamed more than once); if it was removed, declare platform.removed(Removal.ring('<old name>')); if the ledger key is a typo, correct it (in a commit of its own when the typo was committed).",
  },
  {
    code: 'CG210',
    where: 'ledger',
    title: 'Release ledger deleted',
    description:
      "The ledger of a service is missing from the checkout, although cdk8s-gitops wrote it (the manifest records it, the last commit holds it, or a commit of the branch's history deleted it, there or at the path it had before layout.releases changed): it was deleted by hand or by a commit. This holds for the kept ledger of a removed service too, and for any missing ledger in a shallow clone, whose history cannot tell. Starting its rings again from the service's initialDigest would roll prod back and lose its holds and history, so nothing was written. A name is never started over: to reuse one, restore its ledger and promote the new release ring by ring.",
    fix: 'Restore the ledger from Git: git checkout HEAD -- <ledger> if the deletion is not committed; else git checkout <deleting commit>^ -- <ledger>.',
  },
  {
    code: 'CG211',
    where: 'ledger',
    title: 'Release ledger moved',
    description:
      "The manifest records a service's ledger at another path than the program keeps it at now: layout.releases changed, or the ledger was moved. cdk8s-gitops does not move ledgers: the ring rules read a ledger's history in Git at the path it was written to, so a moved ledger would lose its soak times and its entries would go unjudged. Nothing was written.",
    fix: 'Keep layout.releases as it was, and move any ledger back to where the manifest records it (git mv).',
  },
  {
    code: 'CG212',
    where: 'ledger',
    title: 'Ledger chart revision is invalid',
    description:
      'A `chart` field of a ledger is not a chart revision: a full 40-character commit SHA, a release tag v<major>.<minor>.<patch>, or an exact chart version <major>.<minor>.<patch>. A branch name or a range would let the chart move without a promotion.',
    fix: 'Write the full commit SHA or release tag of the chart in Git, or the exact chart version (promote --chart-revision / --chart-version write it), or restore the file from Git history.',
  },
  {
    code: 'CG213',
    where: 'ledger',
    title: 'Ledger images are invalid',
    description:
      'An entry of a ledger names its images wrongly: it has both `digest` and `images`, its `images` is not a mapping of image name to digest, names no image, or names one with other than a DNS-1123 label. A release is the digest of a service with one image, or one digest per named image.',
    fix: 'Write `digest: sha256:…` for a service with one image, or `images:` with one `<name>: sha256:…` line per image of the service; or restore the file from Git history.',
  },
  {
    code: 'CG214',
    where: 'ledger',
    title: "Ledger release does not fit the service's images",
    description:
      "A ring of a ledger runs a release whose images are not those the program declares for the service: a digest of one image where the service names its images, named images where it has one, or other names than the program's (an image added, removed or renamed). cdk8s-gitops cannot tell which image a digest belongs to, so it cannot write the ring's files: the ring is held at its release, its files stay as they are (synth, plan and check say so in a note), and a release command refuses to put such a release into a ring (a rollback to a release from before the change). A write refuses a held target whose files, read image by image of the ring's release where they hold each (a values key, an overlay's image entry, a container), run another release or chart than the ring, are missing, were edited by hand, or are not those the program would make for it (its workload or chart settings changed in the same change); a target new to the ring (no files and no records) is not written until the ring runs a release of the program's images. `check --base <ref>` reports any change to a held target's files since `<ref>`, whatever it runs.",
    fix: "Promote a release that names every image of the service into each ring, in ring order (`promote <service> --ring <first ring> --digest <name>=sha256:… …`, then `--from`); restore a held target's files changed or deleted by hand from Git (git checkout -- <file>); make a change of workload or chart settings after every ring runs the program's images.",
  },

  {
    code: 'CG215',
    where: 'ledger',
    title: "Ring's releases are in another repository",
    description:
      "The program places a ring in this GitOps repository (its control planes moved back into it: their `repository` removed or changed) whose releases the checkout's release model records in another repository's ledgers, under its name or a name it moved from (`movedFrom`). Written here, the ring would have no release: its targets would not be emitted, the Argo CD switched to this repository would delete their Applications, and the ring's releases, holds and history would stay behind in the other repository. A ring's releases do not move between repositories, so every command that reads the checkout with the program refuses it, as it refuses a ring that moves out (CG209).",
    fix: "Keep the control plane's repository as it was; or give each ring that comes back a new name (without movedFrom naming its name in the other repository): it starts afresh here, by promotion ring by ring. Keep that Argo CD reading the other repository until this one runs the ring's targets, then apply this repository's bootstrap to it.",
  },

  {
    code: 'CG216',
    where: 'ledger',
    title: 'Ledger chart revisions are of another chart source',
    description:
      "The program promotes a service's chart (or Kustomize base) from another source than the checkout's release model records it promoted from (another Helm or OCI repository, chart name, Git repository or path), while the service's ledger records revisions in its rings' releases or history. A release records a revision, not its source: each ring would read the new source at the old source's revision (a version that may not exist there, or another chart) without a promotion, and as the source is the service's, not a ring's, the rings cannot move to the new source one by one. Every command that reads the checkout with the program refuses it, as a release of other images is held (CG214).",
    fix: "Keep the chart's source as it was; or change it together with promoted: false, naming the revision of the new source every ring is to read (plan shows it for each Application). The rings' releases keep the old source's revisions: a program that promotes the chart again has each ring go back to its revision (plan says which) until one of the new source is promoted into it.",
  },

  // CG3xx: the command line
  {
    code: 'CG301',
    where: 'cli',
    title: 'Wrong command-line options',
    description: 'An option is unknown, malformed, missing, or conflicts with another (e.g. rollback with both --previous and --to).',
    fix: 'Run `cdk8s-gitops <command> --help` to see its options.',
  },
  {
    code: 'CG302',
    where: 'cli',
    title: 'No program to run',
    description: 'No --app was given and cdk8s.yaml has no "app".',
    fix: 'Pass --app "npx tsx platform.ts", or add `app:` to cdk8s.yaml.',
  },
  {
    code: 'CG303',
    where: 'cli',
    title: 'cdk8s.yaml is not valid YAML',
    description: "The project's cdk8s.yaml cannot be parsed, or gitops.checkout in it names no directory.",
    fix: 'Fix the file; it needs at least `app: <command that runs the program>`.',
  },
  {
    code: 'CG304',
    where: 'cli',
    title: 'Program handed over no model',
    description:
      'The program could not start, or exited without handing over a model: it failed (threw, or exited with a status other than 0) before platform.synth(), or does not call platform.synth().',
    fix: "Fix the error the program's output shows (run the command on its own to see it), and end the program with platform.synth().",
  },
  {
    code: 'CG305',
    where: 'cli',
    title: 'Program built with another version',
    description: "The program's model has a version this CLI does not read.",
    fix: 'Use the cdk8s-gitops CLI from the same installation as the program (npx cdk8s-gitops).',
  },
  {
    code: 'CG306',
    where: 'cli',
    title: 'Unknown service',
    description: 'A command names a service the program does not declare.',
    fix: 'Name a service the program declares.',
  },
  {
    code: 'CG307',
    where: 'cli',
    title: 'CDK8S_GITOPS_NOW is not a time',
    description:
      'The CDK8S_GITOPS_NOW environment variable is set but is not an ISO 8601 time with a time zone (Z or an offset such as +01:00); a time without a zone would mean another instant on each machine.',
    fix: 'Use ISO 8601 with a zone, e.g. 2026-11-22T10:00:00Z, or unset it.',
  },
  {
    code: 'CG308',
    where: 'cli',
    title: 'init target is not empty',
    description:
      '`cdk8s-gitops init` was given a directory that exists and holds files, or a path that is not a directory; init never overwrites files.',
    fix: 'Pass a new or empty directory, e.g. `cdk8s-gitops init my-platform`.',
  },
  {
    code: 'CG309',
    where: 'cli',
    title: 'Program failed after handing over its model',
    description:
      'The program handed over its model with platform.synth(), then exited with a status other than 0 (it threw, or called process.exit with another code) or was killed by a signal. Its model is not used and nothing is written.',
    fix: "Fix what fails after platform.synth() (the program's output is shown), so that the program exits with 0.",
  },
  {
    code: 'CG310',
    where: 'cli',
    title: 'Program ran past its timeout',
    description:
      'The program did not end within its timeout (10 minutes unless --timeout or CDK8S_GITOPS_PROGRAM_TIMEOUT says otherwise). It was stopped with every process it started, and nothing was written.',
    fix: 'Find what keeps the program running (a server, a timer, an open handle); if it needs longer, pass e.g. --timeout 20m.',
  },
  {
    code: 'CG311',
    where: 'cli',
    title: 'Unknown command',
    description: 'The first argument is not a command of cdk8s-gitops; the message names the closest ones.',
    fix: 'Run `cdk8s-gitops --help` to list the commands.',
  },
  {
    code: 'CG312',
    where: 'cli',
    title: 'Checkout is not a directory',
    description:
      'The GitOps checkout (--out, gitops.checkout in cdk8s.yaml, or dist) is a file, or a path through a file, not a directory.',
    fix: 'Pass the directory of the GitOps checkout, e.g. --out ../platform-gitops.',
  },
  {
    code: 'CG313',
    where: 'cli',
    title: 'Checkout does not exist',
    description:
      "A command that reads or changes the GitOps checkout (status, explain, history, preview, check, promote, rollback, unhold, publish) was given a directory that does not exist. Only synth creates it; plan shows a first synth when the directory's parent exists.",
    fix: 'Clone the GitOps repository there, or run `cdk8s-gitops synth --out DIR` first; check the spelling of --out.',
  },
  {
    code: 'CG314',
    where: 'cli',
    title: 'Unknown ring',
    description: 'A command names a ring that neither the program declares nor the history of the checkout mentions.',
    fix: 'Name a ring the program declares.',
  },
  {
    code: 'CG315',
    where: 'cli',
    title: '--base names no commit',
    description:
      'check --base REF judges the ledgers against the commit REF names, and REF names none in the repository of the checkout (a branch not fetched, a typo), or the checkout is in no Git repository.',
    fix: 'Fetch the branch the change goes into and name it, e.g. git fetch origin main, then --base origin/main.',
  },
  {
    code: 'CG316',
    where: 'cli',
    title: 'A release without the program needs the program',
    description:
      "A release command run without the platform program (no --app, no app in cdk8s.yaml, or --no-program) reads the release model synth wrote into the tree (.cdk8s-gitops/model/). The checkout has none (written by a version before release models, or never synthesized), or it is not as synth left it (the manifest does not record the release model's inputs and ledgers), so only the program can tell what to write.",
    fix: 'Run the command with the program (--app, or app in cdk8s.yaml); or run `cdk8s-gitops synth` with the program, publish it, and then run the command in a fresh clone.',
  },
  {
    code: 'CG317',
    where: 'cli',
    title: 'Tree written by another version',
    description:
      'The release model in the tree (.cdk8s-gitops/model/platform.json) was written by another version of cdk8s-gitops, which may write the same release in other bytes and would rewrite the whole tree as its own.',
    fix: 'Run the version that wrote the tree (toolVersion in platform.json), e.g. npx cdk8s-gitops@<version> promote …; or synth the tree with the program and this version first.',
  },
  {
    code: 'CG318',
    where: 'cli',
    title: 'Service not in the release model',
    description:
      "A release command run without the platform program names a service that the tree's release model has no file of (.cdk8s-gitops/model/services/<service>.json): a service the program declares only since the tree was last synthesized, one it no longer declares (a publish that moved to a newer remote tip finds it removed there), or no service at all.",
    fix: 'A new service needs the program: run synth with the program first (and publish it), then promote without it. A service the program no longer declares has nothing to release: drop its pending operations (cdk8s-gitops publish --drop-pending) and put its ledger back.',
  },
  {
    code: 'CG319',
    where: 'cli',
    title: 'No such GitOps repository',
    description:
      "The command works on the checkout of one GitOps repository: the platform's, or the one --repository names. No control plane of the program reads that repository (a typo, a repository no longer used, or, without --repository, a platform whose control planes all read repositories of their own); or gitops.repositories in cdk8s.yaml is not a map of repository URLs to checkout directories, or has no entry for the repository; or the checkout holds the tree of another of the program's repositories (its release model says so), or is a clone of one (the remote the command uses, origin or publish's --remote, names it and not the command's repository, as git resolves its URLs or as they are configured), or of a repository no control plane reads any more whose release model records the command's repository as held by a checkout of its own.",
    fix: 'Pass --repository <repoURL> of a control plane of the program, and --out with the checkout of that repository (or map the URL to its checkout in gitops.repositories in cdk8s.yaml).',
  },
  {
    code: 'CG320',
    where: 'cli',
    title: 'Program called synth() more than once',
    description:
      'The program called synth() a second time, on the same Platform or on another, while the CLI ran it. The CLI takes the model of one synth() call; a second would replace the first without a word, so the run fails and nothing is written.',
    fix: 'Call synth() once, as the last statement of the program, on its one Platform; declare everything before it.',
  },

  // CG4xx: the checkout being written
  {
    code: 'CG401',
    where: 'checkout',
    title: 'Manifest is malformed',
    description: '.cdk8s-gitops/manifest.json is not valid JSON, or not in the expected form.',
    fix: 'Restore it from Git (git checkout -- .cdk8s-gitops/manifest.json); only cdk8s-gitops writes it.',
  },
  {
    code: 'CG402',
    where: 'checkout',
    title: 'Something stands in the way of the tree',
    description: 'A directory stands where the tree has a file, or a file stands where the tree needs a directory.',
    fix: 'Move it away; the program puts a file (or a directory) there.',
  },
  {
    code: 'CG403',
    where: 'checkout',
    title: 'Tree file outside the repository',
    description:
      'The synthesized tree has a file outside the repository, in a reserved place, or of a kind cdk8s-gitops never writes (anything but YAML files and STATUS.md). This is a bug of cdk8s-gitops.',
    fix: 'Report it as a bug of cdk8s-gitops.',
  },
  {
    code: 'CG404',
    where: 'checkout',
    title: 'File not owned by cdk8s-gitops in the way',
    description: 'A file cdk8s-gitops did not write exists where the program generates one.',
    fix: 'Move the file away, or run with --adopt to let cdk8s-gitops own and rewrite it.',
  },
  {
    code: 'CG405',
    where: 'checkout',
    title: 'Write failed; nothing changed',
    description: 'Writing the tree failed before it was committed (e.g. the disk is full or read-only). The checkout is as it was.',
    fix: 'Fix the cause (free disk space, permissions, a read-only file system), then run again.',
  },
  {
    code: 'CG406',
    where: 'checkout',
    title: 'Write failed after its commit point',
    description:
      'Moving committed files into place failed part way; the journal in .cdk8s-gitops/transaction/ keeps the whole change and the next run completes it. Also raised when that journal was changed by hand and cannot be read.',
    fix: 'Fix the cause named, then run again; the interrupted write is completed first. For an unreadable journal, delete .cdk8s-gitops/transaction, check with git status whether a generated file was left half-updated, and run synth again.',
  },
  {
    code: 'CG407',
    where: 'checkout',
    title: 'Checkout changed while the command ran',
    description:
      'A release command works out the files its change touches from the manifest it read at the start; another command wrote the checkout in between, so that is no longer what the manifest records. Or a file the write replaces was changed (by an editor, another tool) after the command read it: the write would lose that change. Nothing was written.',
    fix: 'Let the other command finish (or save nothing in the checkout while it runs), then run the command again.',
  },
  {
    code: 'CG408',
    where: 'checkout',
    title: 'Symbolic link in the checkout',
    description:
      'A path cdk8s-gitops reads, writes or deletes (an owned file, a ledger, the manifest, .cdk8s-gitops itself) or a directory above it is a symbolic link. cdk8s-gitops never follows links in a checkout: a pushed link could point a write at .git or outside the repository, or a read at a secret. Nothing was changed.',
    fix: 'Replace the link with a real file or directory (git rm the link and commit), then run again.',
  },
  {
    code: 'CG409',
    where: 'checkout',
    title: 'Owned file changed by hand',
    description:
      'A file cdk8s-gitops owns no longer has the content the manifest records (for STATUS.md, which is made from the ledgers: content cdk8s-gitops did not write), the change is not committed, and the write would replace it. Nothing was written, so the change is not lost.',
    fix: 'Make the change in the program (or with promote/rollback) and revert the file (git checkout -- <file>); or run synth --verify to put back what the program generates.',
  },
  {
    code: 'CG410',
    where: 'checkout',
    title: 'Another command is writing the checkout',
    description:
      "Another cdk8s-gitops command holds the checkout's lock (.cdk8s-gitops/lock, with its process id and command). One command writes a checkout at a time, and read-only commands do not read a tree that is being written. A lock left by a process that is gone (or whose process id another process has got since) is taken over. A lock committed to Git by mistake is named as such.",
    fix: 'Wait for the other command to finish, then run again; a committed lock: git rm .cdk8s-gitops/lock, commit, and run again.',
  },
  {
    code: 'CG411',
    where: 'checkout',
    title: 'Checkout holds an interrupted write',
    description:
      'A write was interrupted after its commit point, so the checkout holds part of it. Read-only commands (plan, check, preview, status, explain) refuse to read such a tree rather than report changes that are not there.',
    fix: 'Run `cdk8s-gitops synth` (or the interrupted command again) to complete the write, then run this command.',
  },
  {
    code: 'CG412',
    where: 'checkout',
    title: "Transaction state that is not this checkout's",
    description:
      '.cdk8s-gitops/transaction holds the state of a write in progress. It is local: never committed, and its journal is replayed only in the directory it was written in. A transaction directory that Git tracks, that is not a directory, or whose journal was written elsewhere (cloned, copied or planted) is refused and never replayed.',
    fix: 'Remove .cdk8s-gitops/transaction (git rm -r it if Git tracks it, and commit), then run again.',
  },
  {
    code: 'CG413',
    where: 'checkout',
    title: 'Owned file edited by hand',
    description:
      '`check` found a file cdk8s-gitops owns whose content is not what the manifest records (for STATUS.md: an uncommitted change cdk8s-gitops did not write): it was edited by hand. A write refuses to replace it while the edit is not committed (CG409).',
    fix: 'Make the change in the program (or with promote/rollback) and run `cdk8s-gitops synth --verify`, or revert the edit.',
  },
  {
    code: 'CG414',
    where: 'checkout',
    title: 'Owned file missing',
    description: '`check` found that a file the manifest records as written by cdk8s-gitops is not in the checkout.',
    fix: 'Run `cdk8s-gitops synth` to restore it.',
  },
  {
    code: 'CG415',
    where: 'checkout',
    title: 'Checkout out of date',
    description:
      '`check` found a file that differs from what the program synthesizes, one the program declares but that is not written yet, or one the program no longer produces.',
    fix: 'Run `cdk8s-gitops synth` (or publish) and commit the result.',
  },
  {
    code: 'CG416',
    where: 'checkout',
    title: 'Directory that would become an undeclared Application',
    description:
      '`check` found a directory from which an ApplicationSet in the checkout would generate an Application the program does not declare: a stray directory, or a target cdk8s-gitops wrote that the program no longer declares (its Application may be running; the fix then says how to remove it with a declaration).',
    fix: 'Remove the stray directory, or declare the target in the program. For a target cdk8s-gitops wrote, declare it again or declare its removal (platform.removed(Removal.application(…))) and run synth: removed by hand, its Application would go without that declaration.',
  },
  {
    code: 'CG417',
    where: 'checkout',
    title: 'Declared Application not generated',
    description: '`check` found that the ApplicationSets in the checkout would not generate an Application the program declares.',
    fix: 'Run `cdk8s-gitops synth` and commit the result.',
  },
  {
    code: 'CG418',
    where: 'checkout',
    title: 'Deployed version differs from the ledger',
    description:
      '`check` found a file that deploys another version than the one the release ledger records for its ring: a digest was changed outside promote and rollback.',
    fix: 'Change digests only with promote/rollback, then run `cdk8s-gitops synth --verify`.',
  },
  {
    code: 'CG419',
    where: 'checkout',
    title: 'Interrupted write in the checkout',
    description:
      '`check` found .cdk8s-gitops/transaction: a write was interrupted and has not been completed (commands that read the tree refuse it with CG411).',
    fix: 'Run `cdk8s-gitops synth` to complete or discard it.',
  },
  {
    code: 'CG420',
    where: 'checkout',
    title: 'Generated file not recorded in the manifest',
    description:
      "`check` found a file that holds what the program makes, but the manifest (or its service's shard) does not record it: the record was deleted or edited.",
    fix: 'Run `cdk8s-gitops synth` to record it again, and commit the manifest.',
  },
  {
    code: 'CG421',
    where: 'checkout',
    title: 'Manifest edited by hand',
    description:
      "`check` found a file of the manifest (.cdk8s-gitops/manifest.json or a service's shard) whose seal does not match its content: it was edited since cdk8s-gitops wrote it, so the files it says cdk8s-gitops owns may not be those cdk8s-gitops wrote. No command trusts it without building the tree: an entry added for a file the program does not make is a deletion (refused, CG141, when it would delete an Application), an entry removed is recorded again.",
    fix: 'See the edit with `git log -p -- <file>` and revert it (`git checkout <commit> -- <file>`); then run `cdk8s-gitops synth`, which seals the manifest again, and commit the result.',
  },
  {
    code: 'CG422',
    where: 'checkout',
    title: 'Release model edited by hand',
    description:
      "A file of the release model (.cdk8s-gitops/model/) is not what the manifest records for it, it is recorded in another file of the manifest than the one cdk8s-gitops records it in (its service's shard, or the manifest itself), or a file of the manifest is not sealed: something was edited since cdk8s-gitops wrote it. A release command without the program does not trust it.",
    fix: 'Restore it (git checkout -- .cdk8s-gitops/model); if a commit made the change, revert it (git revert); or have the platform run `cdk8s-gitops synth` with the program and publish, which writes it again.',
  },
  {
    code: 'CG423',
    where: 'checkout',
    title: 'File not written by cdk8s-gitops in a directory Argo CD deploys',
    description:
      "`check` found a file that cdk8s-gitops did not write (the manifest does not record it) in a directory whose every manifest Argo CD applies (the target directory of a rendered service, or a Helm target's namespace baseline; YAML, JSON and Jsonnet files, hidden ones too, which a directory source applies as well), a symbolic link there or among a control plane's ApplicationSets (Argo CD follows it within the repository, cdk8s-gitops follows no link), an `.argocd-source*.yaml` in any target's directory, whose parameters Argo CD merges into that Application's source (a Kustomize overlay's images, a directory source's recurse), or beside the AppProjects files (`projects/`), where it would make the root Applications apply every file there, a second kustomization file (`kustomization.yml`, `Kustomization`) beside a Kustomize overlay or its base, which stops the build, or a file whose name ends in `Chart.yaml` among a control plane's ApplicationSets, which makes Argo CD render that directory as a Helm chart. Argo CD would deploy it beside what the program declares, outside the release rules.",
    fix: 'Remove it (git rm <file>), or declare what it holds in the program.',
  },
  {
    code: 'CG424',
    where: 'checkout',
    title: 'Kustomize base in the GitOps repository is not a directory of its own there',
    description:
      'A Kustomize service reads its base from the GitOps repository (Workload.kustomizePlatformBase), and the checkout has no real directory at that path: it is missing, a file, or a symbolic link, or lies below one, or holds one. Argo CD would build the overlay from whatever the link points at (the files of another ring, say), which the ring rules never judged; or fail to build it at all.',
    fix: 'Make the base a directory of plain files at the path the program names (a kustomization.yaml and what it lists), with no symbolic link in it or above it.',
  },
  {
    code: 'CG425',
    where: 'checkout',
    title: 'Generated Application Argo CD would not create: its name is taken',
    description:
      'An ApplicationSet of the checkout generates an Application whose name another of its Applications has already (the ApplicationSet controller creates the first and reports "contains applications with duplicate name"), or that another ApplicationSet owns ("is already owned by another ApplicationSet controller"). Until the names differ the ApplicationSet shows an error condition.',
    fix: 'Make the generated names differ: include every path segment that tells the directories apart in the template name, or remove the stray directory.',
  },
  {
    code: 'CG426',
    where: 'checkout',
    title: 'Generated Application Argo CD would not create: the API server refuses it',
    description:
      'An ApplicationSet of the checkout generates an Application whose name or labels the Kubernetes API server refuses (a name that is not a lower-case RFC 1123 subdomain, such as a directory Upper_Svc; one over 253 characters; a label value over 63 characters). The create fails, and while it does the ApplicationSet deletes none of its Applications.',
    fix: 'Rename the directory, or build the name from .path.basenameNormalized.',
  },
  {
    code: 'CG427',
    where: 'checkout',
    title: 'Git checks the files out with CRLF line ends',
    description:
      "An owned file has CRLF line ends, and Git puts them there on checkout: an attribute (eol=crlf in .gitattributes, .git/info/attributes or the global attributes file) or the clone's configuration (core.autocrlf=true; text with core.eol=crlf) converts the LF line ends cdk8s-gitops writes, so every clone but the one that wrote the files holds other bytes than were written. Nothing is read further or written.",
    fix: 'Unset the conversion for the files cdk8s-gitops writes (environments/** -text in .gitattributes; or git config core.autocrlf false in the clone), then check the files out again (a fresh clone).',
  },
  {
    code: 'CG428',
    where: 'checkout',
    title: 'The checkout is inside another tree',
    description:
      "The directory a command was given is inside a Git directory (.git), inside a tree cdk8s-gitops wrote (a directory above it holds .cdk8s-gitops/manifest.json), or a platform program's project whose cdk8s.yaml names its GitOps checkout elsewhere: a tree written there is mixed into the repository's own files, into that tree (whose writes and checks would take its files for nobody's), or into the program's repository. Nothing is read or written.",
    fix: 'Pass the top of the clone of the GitOps repository with --out (or gitops.checkout in cdk8s.yaml).',
  },

  // CG5xx: git
  {
    code: 'CG501',
    where: 'git',
    title: 'Not a git work tree',
    description: 'The GitOps checkout does not exist or is not inside a git work tree.',
    fix: 'Pass the directory of a git checkout of the GitOps repository (`git clone <url> <dir>`), or run `git init -b main` there first.',
  },
  {
    code: 'CG502',
    where: 'git',
    title: 'Uncommitted changes in the way',
    description: 'The checkout has uncommitted changes to tracked files, or untracked files under the paths publish owns.',
    fix: 'Commit, stash or remove them first (`git status` lists them); changes a `synth` made in the checkout can be discarded (`git checkout -- .`, and remove the files it created), since publish synthesizes again. Publish moves its branch to the remote tip between attempts and commits only what its apply() writes.',
  },
  {
    code: 'CG503',
    where: 'git',
    title: 'Remote kept moving',
    description: 'Every push attempt was rejected because other commits landed first. Nothing of this change was pushed.',
    fix: 'Publish again; if other writers push this often, raise maxAttempts or run publishers one at a time (for example one CI concurrency group per GitOps repository).',
  },
  {
    code: 'CG504',
    where: 'git',
    title: 'Merge-request branch exists',
    description: 'The branch to push to already exists on the remote; the change is probably proposed already.',
    fix: 'Review, merge or close the merge request of that branch and delete the branch, choose another pushBranch, or pass ifBranchExists: ExistingBranch.ADD_COMMIT to add a commit on top of it. When the branch holds the pending operations of this checkout (a publish killed after its push), drop them: cdk8s-gitops publish --drop-pending.',
  },
  {
    code: 'CG505',
    where: 'git',
    title: 'Local branch has unpushed commits',
    description: 'The local branch has commits the remote lacks; publish pushes only its own commit.',
    fix: 'Push or drop those commits first, or publish from a fresh clone.',
  },
  {
    code: 'CG506',
    where: 'git',
    title: 'Nothing to commit',
    description: 'A commit was asked for but nothing under its paths changed.',
    fix: 'Write the changes before committing, or skip the commit when nothing changed (`isClean(paths)`).',
  },
  {
    code: 'CG507',
    where: 'git',
    title: 'Detached HEAD',
    description: 'The checkout has a detached HEAD and no branch to publish to was given.',
    fix: "Pass the branch to publish to (branch: 'main'), or check that branch out first.",
  },
  {
    code: 'CG508',
    where: 'git',
    title: 'Remote has no such branch',
    description: 'The remote has no branch to publish to.',
    fix: 'Push a first commit to that branch, or name the branch the GitOps repository uses.',
  },
  {
    code: 'CG509',
    where: 'git',
    title: 'Push failed',
    description:
      'Pushing failed for another reason than the remote moving (access, branch protection, hooks, network). Nothing was pushed and the checkout is back at the remote tip.',
    fix: 'Check access, branch protection, hooks and the network; then publish again.',
  },
  {
    code: 'CG510',
    where: 'git',
    title: 'Commit message or trailer is invalid',
    description: 'The commit message is empty, or a trailer key or value would not read back.',
    fix: 'Give a subject line, and trailers with one-line values.',
  },
  {
    code: 'CG511',
    where: 'git',
    title: 'Ref names no commit',
    description: 'A branch, tag or commit does not exist, or the branch has no commit yet.',
    fix: 'Pass a branch, tag or commit that exists (`git branch -a` lists branches); fetch first for a remote branch.',
  },
  {
    code: 'CG512',
    where: 'git',
    title: 'Path outside the repository',
    description: 'A path given to git is empty, absolute, leaves the repository or lies inside .git.',
    fix: 'Pass paths relative to the repository root, such as "environments/prod" or "releases/payments-api.yaml".',
  },
  {
    code: 'CG514',
    where: 'git',
    title: 'Invalid branch name',
    description: 'A branch name is one git does not accept.',
    fix: 'Use a name such as "promote/payments-api/prod/2e8f1a31": no spaces, "..", "~", "^", ":", "?", "*", "[", or leading "-".',
  },
  {
    code: 'CG515',
    where: 'git',
    title: 'No such remote',
    description: 'The checkout has no remote of that name.',
    fix: 'Name a configured remote (`git remote -v`), or add it.',
  },
  {
    code: 'CG516',
    where: 'git',
    title: 'Invalid publish option',
    description: 'A publish option such as maxAttempts, retryDelayMs or pushBranch is invalid.',
    fix: 'Pass the value the message suggests.',
  },
  {
    code: 'CG517',
    where: 'git',
    title: 'Pending operation no longer applies',
    description:
      'A promote, rollback or unhold made without --publish is re-applied on the remote tip when it is published, with the release rules checked again as of when it was made, and must make exactly what it made: the same digest (a promotion --from is not re-read as whatever that ring runs now), or for an unhold the same hold lifted. Since then the remote changed the ledger so that it cannot: the rules refuse it, the ring it was promoted from runs another digest, the ring runs that digest already by another change, or the hold was replaced. Nothing was pushed, and the operation is still pending.',
    fix: 'Drop the pending operation (publish --drop-pending), bring the checkout up to date (git pull), look at what the rings run now (cdk8s-gitops status), and run it again if it still makes sense.',
  },
  {
    code: 'CG518',
    where: 'git',
    title: 'Empty remote, but the branch has commits',
    description:
      'The remote is a new, empty repository and the local branch already has commits that publish did not make. Publish makes the first commit of an empty repository itself; it never pushes commits it did not make.',
    fix: 'Push the branch first (git push -u origin main), or publish from a fresh clone of the empty repository.',
  },
  {
    code: 'CG519',
    where: 'git',
    title: 'Pending operation no longer in the checkout',
    description:
      'A promote, rollback or unhold made without --publish is pending, but its ledger no longer holds what the operation wrote: it was edited by hand or discarded since. Publish will not commit that ledger under the name of the person who made the operation.',
    fix: 'Put the ledger back as the operation left it, or drop the pending operations (publish --drop-pending) and run them again.',
  },
  {
    code: 'CG520',
    where: 'git',
    title: 'Ledger change that no operation made',
    description:
      'A release ledger in the checkout differs from the last commit, and no pending promote, rollback or unhold made the change (a hand edit, or a command killed before it recorded its operation). Publish commits ledger changes only as the operation that made them, under the name of who made it.',
    fix: 'Discard the change (git checkout -- <ledger>) and run the promote, rollback or unhold again, or commit the edit yourself with its own message.',
  },
  {
    code: 'CG521',
    where: 'git',
    title: 'Pending operation record is unreadable',
    description:
      'The record of a pending operation, kept in the git directory of the checkout, is not one cdk8s-gitops wrote (not JSON, another shape, a link, or too large).',
    fix: 'Remove it (the message names it), then run the operation again if it is still wanted.',
  },
  {
    code: 'CG522',
    where: 'git',
    title: 'Git would commit or check out other bytes than were written',
    description:
      "An attribute of the repository (.gitattributes, .git/info/attributes or the global attributes file) gives files cdk8s-gitops commits a filter driver (such as Git LFS's filter=lfs), a working-tree-encoding or ident, under which git stores other bytes than the file holds (Argo CD would read those); or an attribute (eol=crlf) or the clone's configuration (core.autocrlf=true) converts their line ends to CRLF on checkout, so that every other clone holds other bytes than were written. Nothing is committed.",
    fix: 'Take the attribute off the files cdk8s-gitops writes, or unset it for them (environments/** -filter -ident -working-tree-encoding -text).',
  },
  {
    code: 'CG523',
    where: 'git',
    title: 'Git is told to take written files as unchanged',
    description:
      "Files cdk8s-gitops writes are marked in the clone's index as assume-unchanged or skip-worktree (git update-index; a sparse checkout marks the files it leaves out so). Git does not look at such a file, so a commit would leave out what was written to it while the manifest records it. Nothing is committed.",
    fix: "Clear the flags, one command for each (git update-index --no-assume-unchanged -- <file>, git update-index --no-skip-worktree -- <file>; git ls-files -v | grep '^[a-zS]' lists the files), or take the files into the sparse checkout.",
  },
  {
    code: 'CG524',
    where: 'git',
    title: 'The clone is in the middle of a Git operation',
    description:
      'The GitOps checkout is in the middle of a merge, a rebase, a cherry-pick or revert, `git am` or a bisect (its Git directory holds MERGE_HEAD, rebase-merge, rebase-apply, CHERRY_PICK_HEAD, REVERT_HEAD, sequencer or BISECT_LOG). Publishing moves the branch with git reset and commits on it, which would end that operation or mix into it. Nothing is changed.',
    fix: 'Finish the operation (git commit, git rebase --continue, git cherry-pick --continue, git bisect reset) or abort it (git merge --abort, git rebase --abort, git cherry-pick --abort), then publish again.',
  },
  {
    code: 'CG525',
    where: 'git',
    title: 'The checkout is not the top of its clone',
    description:
      "The directory publish was given is inside a Git work tree but not its top. The tree's files would be committed under that directory, while the paths Argo CD reads (the root Application's `applicationsets/<control plane>`, the generators' `environments/…`) are from the top of the repository. Nothing is published.",
    fix: 'Publish from the top of a clone of the GitOps repository: pass it as --out (or gitops.checkout in cdk8s.yaml).',
  },
  {
    code: 'CG526',
    where: 'git',
    title: 'Pending operations made for a merge-request branch',
    description:
      'A release made with --publish --branch was not published (its publish was killed, or failed), and it is published only to the branch it was made for: this publish names another branch, the pending operations name several, or the checkout was left on that branch with no record of the branch it was on. Nothing is published.',
    fix: 'Publish them to their branch (cdk8s-gitops publish --branch <branch>), or drop them (cdk8s-gitops publish --drop-pending).',
  },
  {
    code: 'CG527',
    where: 'git',
    title: 'The remote lost published commits',
    description:
      "The local branch has commits of a publish that reached the remote (the clone's remote-tracking branch held them: git moves it to what a push pushed), and the remote branch no longer has them: it went back, by a force-push or a reset of the branch. Publish drops only the commits of an interrupted publish that never reached the remote, which it makes again; published commits it neither drops nor pushes again on its own, since nothing would make them again. Nothing is published.",
    fix: "Find out why the branch went back. To publish the commits again: git push origin <newest lost commit>:main (the message gives it), then publish again; to accept the remote's history and drop them: git fetch origin && git reset --hard origin/main (which discards uncommitted changes too).",
  },
  {
    code: 'CG599',
    where: 'git',
    title: 'Unexpected git failure',
    description: "A git command failed in a way cdk8s-gitops does not expect; the message has git's own output.",
    fix: 'Read the message from git above; run the same git command in that directory to reproduce it.',
  },

  // CG6xx: promotion rules
  {
    code: 'CG601',
    where: 'promotion',
    title: 'Not the digest of the ring before',
    description: 'A ring takes only the digest running in the ring before it.',
    fix: 'Promote into the ring before first, or use --from <the ring before>.',
  },
  {
    code: 'CG602',
    where: 'promotion',
    title: 'Soak time not over',
    description: 'The digest has not run long enough (soak) in the ring before.',
    fix: 'Promote at or after the time named.',
  },
  {
    code: 'CG603',
    where: 'promotion',
    title: 'Ring is held',
    description: 'The ring is held after a rollback; nothing may be promoted into it.',
    fix: 'Run `cdk8s-gitops unhold <service> --ring <ring>` once the incident is over.',
  },
  {
    code: 'CG604',
    where: 'promotion',
    title: 'Approval required',
    description: 'The ring requires the promotion to name who approved it.',
    fix: 'Pass --approved-by <name>.',
  },
  {
    code: 'CG605',
    where: 'promotion',
    title: 'Unknown ring',
    description: 'The ring is not declared by the program, or not in the ledger.',
    fix: 'Name a ring the program declares.',
  },
  {
    code: 'CG606',
    where: 'promotion',
    title: 'Rollback target not in history',
    description: "The rollback target is not in the ring's own history.",
    fix: "Use --previous, or --to a digest from the ring's history.",
  },
  {
    code: 'CG607',
    where: 'promotion',
    title: 'Ring is not held',
    description: 'The ring is not held, so there is nothing to unhold.',
    fix: 'Nothing to do: promotions into the ring are allowed.',
  },
  {
    code: 'CG608',
    where: 'promotion',
    title: 'Invalid digest',
    description:
      "The digest given is not valid, or is a tag where the ring takes only digests; or a chart in Git is pinned by a release tag where the ring takes only digests, or into a production ring for a team's service (a tag can be moved, a commit SHA cannot).",
    fix: 'Use the image digest, sha256:<64 lowercase hex>; for a chart in Git, its full commit SHA.',
  },
  {
    code: 'CG609',
    where: 'promotion',
    title: 'Missing or conflicting option',
    description: 'A required option is missing, or two options conflict (e.g. --digest names another digest than the --from ring runs).',
    fix: 'Pass the options the message names, and only one of two that conflict.',
  },
  {
    code: 'CG610',
    where: 'promotion',
    title: 'Ledger entry out of ring order',
    description:
      "A ring's entry in a release ledger was changed outside the release rules: its digest is not what the ring before it runs, its `from` is not the ring before it, a rollback puts back a digest the ring never ran, or its `previous` releases list one the ring never ran (a later rollback could deploy it).",
    fix: 'Restore the ledger from Git and promote with `cdk8s-gitops promote <service> --ring <ring> --from <the ring before>`.',
  },
  {
    code: 'CG611',
    where: 'promotion',
    title: 'Ledger entry skips the soak',
    description:
      "A ring's entry in a release ledger was changed to a digest that has not run its soak time in the ring before, measured from the commit that recorded it there and counting only time the ring before's sync windows let Argo CD sync.",
    fix: 'Restore the ledger from Git, and promote once the soak is over.',
  },
  {
    code: 'CG612',
    where: 'promotion',
    title: 'Ledger entry lacks an approval',
    description: "A ring's entry in a release ledger was changed to a digest without the approval the ring requires.",
    fix: 'Restore the ledger from Git and promote with `cdk8s-gitops promote … --approved-by <name>`.',
  },
  {
    code: 'CG613',
    where: 'promotion',
    title: 'Ledger entry replaces a held release',
    description:
      "A ring's entry in a release ledger was changed to another digest while the ring is held after a rollback, or its hold was removed or changed by hand: only `unhold` lifts a hold, as a change of its own.",
    fix: 'Restore the ledger from Git, and run `cdk8s-gitops unhold <service> --ring <ring>` before promoting.',
  },
  {
    code: 'CG614',
    where: 'promotion',
    title: 'Approver is the promoter',
    description:
      'The approval of a promotion names the person who promotes it, or a name that looks like theirs (the same in another case or width, with accents, invisible characters or spaces, or with letters of another script that pass for Latin ones); an approval needs a second person.',
    fix: 'Ask someone else to approve, and pass --approved-by <their name>.',
  },
  {
    code: 'CG615',
    where: 'promotion',
    title: 'Approver may not approve this ring',
    description:
      'The ring names who may approve promotions into it (`Gate.approval({ approvers })`), and the approver given is not one of them.',
    fix: 'Ask one of the approvers the ring names.',
  },
  {
    code: 'CG616',
    where: 'promotion',
    title: 'Time in the future',
    description:
      'A time is later than the system clock: `CDK8S_GITOPS_NOW` set ahead (it may set the time back for reproducible runs, never forward), or a `since` in a release ledger that has not happened yet.',
    fix: 'Unset CDK8S_GITOPS_NOW (or set it to a past time), or restore the ledger from Git.',
  },
  {
    code: 'CG617',
    where: 'promotion',
    title: 'Approval gate names no approver',
    description:
      'An approval gate of a promotion ring names an empty list of approvers, a blank name, or (with several approval gates) lists that share no one, so no promotion could ever be approved.',
    fix: "Name who may approve, e.g. Gate.approval({ approvers: ['alice', 'bob'] }), or leave `approvers` out to let anyone but the promoter approve.",
  },
  {
    code: 'CG618',
    where: 'promotion',
    title: 'Chart revision not accepted',
    description:
      "A promotion names a chart revision the service cannot take: the service's chart is not promoted with its image (the program does not declare `promoted: true` on its chart), or the revision is not of the form its chart source pins by (a chart in Git: a full commit SHA or a release tag v<semver>; a Helm or OCI repository: an exact version). A ledger edited by hand that records such a revision is refused likewise. Nothing was written.",
    fix: 'Declare the chart promoted (Workload.helmChart({ …, promoted: true })), then pass --chart-revision <40-hex SHA | v1.4.2> for a chart in Git or --chart-version <1.4.2> for a Helm or OCI chart.',
  },
  {
    code: 'CG619',
    where: 'promotion',
    title: "Digests do not fit the service's images",
    description:
      "The --digest options of a promotion do not fit the service's images: a digest without an image name for a service with several images, an image name the service does not declare, one image named twice, or a name for a service with one image. Nothing was written.",
    fix: 'For a service with named images pass --digest <name>=sha256:… once per image to change (an image not named keeps its digest); for a service with one image pass --digest sha256:… once.',
  },
  {
    code: 'CG620',
    where: 'promotion',
    title: 'The ring before is not Synced and Healthy',
    description:
      "A ring with a health gate (Gate.healthy()) takes a release only once every Application of the service in the ring before runs it Synced and Healthy, as that ring's Argo CD reports it when the promotion is made. One of them does not (the message names it, its control plane, sync status, health and last operation's message), or Argo CD could not be asked (unreachable, token refused, no settings, a control plane reconciled by Flux), or, with a soak, it reports no time since which they are. The promotion is refused, never let through; nothing was written.",
    fix: 'Look at the Applications named (argocd app get <name>, cdk8s-gitops status --live); once they run the release Synced and Healthy, promote again. Give the CLI the Argo CD settings status --live reads (ARGOCD_SERVER and ARGOCD_AUTH_TOKEN, or per control plane).',
  },
  {
    code: 'CG621',
    where: 'promotion',
    title: 'Production ring changed by hand',
    description:
      "A ledger entry of a ring with targets in a production environment (Environment production: true) differs from what cdk8s-gitops wrote (the hash its manifest shard records): the ledger was edited by hand. Production's values are written from that entry by whoever runs synth or publish next, without the review a promotion's change gets (in a platform with teams, CODEOWNERS asks the platform team to approve production's files, which a hand edit of the ledger alone does not touch). Nothing was written.",
    fix: 'Restore the ledger from Git (git checkout HEAD -- releases/<service>.yaml), then promote or roll back with cdk8s-gitops (--publish, or --branch for a merge request).',
  },
  {
    code: 'CG622',
    where: 'promotion',
    title: 'Promotion into a ring that runs nothing of the service',
    description:
      "A promotion names a ring where the program places none of the service's targets, neither in that ring nor in any ring after it: nothing would run the release, which would wait in the ledger (with whatever approval was named) for the day the program places the service there. Rings without targets of the service that lead to one with targets may be promoted into, as the ring order requires. A ledger entry that changed in such a ring (edited, or merged from a branch) is refused likewise wherever ledgers are checked (check --base, synth, publish). Nothing was written.",
    fix: 'Place the service on the clusters of that ring in the program first (deployTo), then promote.',
  },
  {
    code: 'CG623',
    where: 'promotion',
    title: 'Promotion from a ring of another GitOps repository',
    description:
      "A promotion names with --from a ring whose releases are recorded in another GitOps repository's ledgers (the ring before the first ring of this repository, ControlPlaneProps.repository, or any other ring of that repository). This checkout cannot read, nor verify, what that ring runs, so it does not take it from there. Nothing was written.",
    fix: 'Read the release that ring runs in its own checkout (cdk8s-gitops status --repository <its repoURL>) and promote it by --digest (and --chart-revision) into this ring, in this checkout.',
  },

  // CG7xx: previews of ApplicationSets
  {
    code: 'CG701',
    where: 'preview',
    title: 'Template construct not evaluated',
    description:
      "The template or ApplicationSet uses something the offline preview does not evaluate, though Argo CD may: a Sprig or Argo CD function the preview does not have (Sprig's slice included, which Argo CD calls instead of Go's), a complex or imaginary number, an integer literal beyond 2^53, a printf form it does not format (%#v, %+v, %[n]d, %x of a float, %T of a list of strings), a list sliced past its length, templates nested more than 1000 deep, a template that renders more than 1.5 MiB into one field (more than the Kubernetes API server stores in one Application) or builds more than 64 Mi characters and list or map items in one execution (a value that doubles in a loop). The message names the function and the kind of input, never a parameter's value. The rest of Go's text/template language is evaluated as Argo CD evaluates it; the preview fails rather than guess.",
    fix: 'Rewrite the construct the message names, or check this ApplicationSet with Argo CD itself (argocd appset generate).',
  },
  {
    code: 'CG702',
    where: 'preview',
    title: 'Missing template key',
    description: 'With missingkey=error the template references a parameter the generator does not set.',
    fix: 'Use a parameter the generator sets: .path.path, .path.basename, .path.basenameNormalized or .path.segments; for a git files generator also .path.filename, .path.filenameNormalized and the keys of the file; for a list generator the keys of the element; for a cluster generator .name, .nameNormalized, .server and .metadata.labels / .metadata.annotations; .values for a generator with values.',
  },
  {
    code: 'CG703',
    where: 'preview',
    title: 'Template syntax error',
    description: 'A template is not valid Go template syntax; Argo CD rejects it too.',
    fix: 'Fix the template at the field the message names.',
  },
  {
    code: 'CG704',
    where: 'preview',
    title: 'Template evaluation failed',
    description: 'Evaluating a template failed: an index out of range, or a function with wrong arguments.',
    fix: 'Fix the template, or the directory that gives it too few path segments.',
  },
  {
    code: 'CG705',
    where: 'preview',
    title: 'Malformed path pattern',
    description:
      "A path pattern of a git generator cannot select what it says: a directories[].path is malformed (Go's path.ErrBadPattern), which Argo CD ignores silently; or a files[].path has an unclosed character class or a lone trailing \\ (Git then matches nothing), or starts with / (git ls-files fails on it).",
    fix: 'Fix the pattern: in directories * and ? never cross "/"; in files they do; character classes need a closing "]"; paths are relative.',
  },
  {
    code: 'CG706',
    where: 'preview',
    title: 'Generator or feature not expanded',
    description:
      "The ApplicationSet uses a generator that reads something other than the GitOps repository (SCM provider, pull request, cluster decision resource, plugin), or, in a directory a root Application deploys, a git generator of another repository or revision than the one its control plane's Argo CD follows; a cluster generator where the repository declares no cluster Secrets for the control plane (the cluster list is not in the repository), or a cluster's flat list; a selector on a generator of a nested matrix or merge without applyNestedSelectors; a merge key nested in a map with goTemplate; a RollingSync strategy; a templatePatch that sets finalizers, uses other patch directives or patches fields outside metadata and spec; or a form the preview does not model (Git pathspec magic, YAML tags other than !!str and merge keys nested more than 100 levels deep in a generator file, a Jsonnet file in a directory of ApplicationSets, which Argo CD evaluates; in a directory a root Application deploys, an object that is not an ApplicationSet, such as an AppProject or an Application, a list, a UTF-16 file, a stream of JSON objects, a `---` line followed by text, or a file whose name ends in Chart.yaml, which makes Argo CD render the directory with Helm); or the preview was given only a list of directories for a git files generator; or a generator that gives more than 100,000 parameter sets, or templates that render more than 128 Mi characters over all the sets of one ApplicationSet (the preview's bounds on one ApplicationSet's Applications), or ApplicationSets that together generate more than 1,000,000 Applications or render more than 512 Mi characters in one preview (its bounds over all of them).",
    fix: 'Preview it with `argocd appset generate` against a live Argo CD.',
  },
  {
    code: 'CG707',
    where: 'preview',
    title: 'Duplicate Application',
    description: 'Two generated Applications would have the same name; Argo CD lets only one ApplicationSet own it.',
    fix: 'Make the generated names differ.',
  },
  {
    code: 'CG708',
    where: 'preview',
    title: 'Malformed ApplicationSet',
    description:
      "The ApplicationSet object lacks a field the preview needs, or has one of the wrong type; or its generators fail as Argo CD's fail: a matrix without exactly two generators, or whose two fasttemplate generators set one parameter to different values; a merge generator without mergeKeys, or whose generator gives two sets with the same merge keys; matrix or merge nested more than one level; a list element that is not a map, or holds a value that is not a string without goTemplate; a selector Argo CD cannot parse; a templatePatch that does not render to a map of Application fields; or, for a cluster generator, a cluster Secret the control plane deploys that Kubernetes cannot read or refuses (invalid YAML, or a label, annotation or data value that YAML 1.1 reads as a boolean or a number, such as an unquoted yes).",
    fix: 'Fix the ApplicationSet at the field the message names.',
  },
  {
    code: 'CG709',
    where: 'preview',
    title: 'Checkout cannot be read',
    description: 'The checkout directory does not exist, is not a directory, or cannot be read.',
    fix: 'Pass the path of a local checkout of the GitOps repository with --out.',
  },
  {
    code: 'CG710',
    where: 'preview',
    title: 'Generated Application is invalid',
    description: 'A generated Application name or label value would be rejected by Kubernetes.',
    fix: 'Build names from .path.basenameNormalized, or rename the directory.',
  },
  {
    code: 'CG711',
    where: 'preview',
    title: 'Generator file cannot be used',
    description:
      'A file a git files generator matched does not parse as JSON or YAML, holds neither a map nor a list of maps, flattens two keys to one parameter, is larger than 1 MiB, or is a symbolic link the preview does not follow. Argo CD fails the whole ApplicationSet on a file it cannot parse.',
    fix: 'Fix or replace the file the message names, or narrow files[].path so that it does not match it.',
  },

  // CG8xx: live state from Argo CD
  {
    code: 'CG801',
    where: 'live',
    title: "A control plane's Argo CD cannot be reached",
    description:
      'The Argo CD API server of a control plane did not answer: its address does not resolve, nothing listens there, the connection or the answer took longer than the timeout, or its TLS certificate is not one the client trusts (verification is on unless turned off).',
    fix: "Check ARGOCD_SERVER (host[:port]), or the control plane's own server, and that the API server runs and answers within the timeout (10 s unless Reconciler.argoCd({ api: { timeout } }) says); give the CA that signed its certificate (ARGOCD_CA_FILE).",
  },
  {
    code: 'CG802',
    where: 'live',
    title: "A control plane's Argo CD refused the token",
    description:
      'The token is not one (white space, a line break), or the Argo CD API server answered 401 (no token, or one it does not accept: expired, revoked, of another instance) or 403 (the token may not read Applications; Argo CD also answers 403 for an Application that does not exist).',
    fix: "Give a token of an account of that Argo CD (ARGOCD_AUTH_TOKEN) whose role may get applications, e.g. 'p, role:readonly-ci, applications, get, */*, allow'.",
  },
  {
    code: 'CG803',
    where: 'live',
    title: "A control plane's Argo CD answered something unexpected",
    description:
      "The Argo CD API server answered with another status than 200, 401, 403 or 404, or with a body that is not the JSON its API describes: a list of Applications without its metadata and items (a proxy's or a health endpoint's answer, which is never read as no Application), an item of another kind (an ApplicationSet) or without the project every Application has, another Application than the one asked for.",
    fix: 'Check that ARGOCD_SERVER names the Argo CD API server (not its UI behind another proxy path), and its version (cdk8s-gitops reads Argo CD 2.x and 3.x).',
  },
  {
    code: 'CG804',
    where: 'live',
    title: 'A ring does not run its release',
    description:
      "wait gave up: before its timeout, an Application of the ring was not Synced, not Healthy, or not running the release the ring's ledger entry gives (the message names each, with its control plane, sync status, health and last operation's message); or the ring has no Application to wait for.",
    fix: 'Look at the Applications named (argocd app get <name>); roll the ring back, or wait longer (--timeout).',
  },
  {
    code: 'CG805',
    where: 'live',
    title: 'A ring has targets whose state is not read',
    description:
      'wait reads what runs from Argo CD only. Some targets of the ring are on a control plane reconciled by Flux (the message names them and their control planes): it does not wait for the rest alone, since its exit 0 says the whole ring runs its release. Nothing was waited for.',
    fix: 'Wait for the ring with Flux (flux get kustomizations --watch, or kubectl wait --for=condition=Ready on its Kustomizations and HelmReleases); keep the rings cdk8s-gitops wait waits for on control planes reconciled by Argo CD.',
  },
] as const satisfies readonly ErrorEntry[];

/** Every error code of cdk8s-gitops. */
export type ErrorCode = (typeof ENTRIES)[number]['code'];

/** Every entry, in code order. */
export const ERROR_CATALOGUE: readonly (ErrorEntry & {
  /** Stable code, e.g. `CG101`. */
  readonly code: ErrorCode;
})[] = ENTRIES;

/** The entries by code, built once. */
const BY_CODE: ReadonlyMap<string, ErrorEntry & { readonly code: ErrorCode }> = new Map(ERROR_CATALOGUE.map((e) => [e.code, e]));

/** The entry of a code, or undefined for a code that is not in the catalogue. */
export function errorEntry(code: string): ErrorEntry | undefined {
  return BY_CODE.get(code);
}

/** The usual fix of a catalogued code (its entry's `fix`). */
export function catalogueFix(code: ErrorCode): string {
  return BY_CODE.get(code)!.fix;
}

/** The codes of one part of the work, with their descriptions. */
export function errorCodesOf(where: ErrorWhere): Readonly<Record<string, string>> {
  return Object.fromEntries(ERROR_CATALOGUE.filter((e) => e.where === where).map((e) => [e.code, e.description]));
}
