/**
 * The JSON types of an Application's spec, as Go's encoding/json reads them into Argo CD's
 * ApplicationSpec: derived from the openAPI schema of Argo CD v3.5.1's Application CRD
 * (application-crd.yaml). `s` string, `i` integer (int64), `n` number, `b` boolean, `is` an
 * int-or-string, `*` anything (a raw extension), `[t]` a list of t, `{…}` a struct whose
 * unknown fields Go ignores, `{"*": t}` a map of t.
 *
 * Generated; regenerate it from the CRD when Argo CD's version changes.
 */
export type SpecType = string | readonly SpecType[] | { readonly [field: string]: SpecType };

/** ApplicationSpec's fields and their types. */
export const APPLICATION_SPEC_TYPE: SpecType = JSON.parse(
  '{"destination":{"name":"s","namespace":"s","server":"s"},"ignoreDifferences":[{"group":"s","jqPathExpressions":["s"],"jsonPointers":["s"],"kind":"s","managedFieldsManagers":["s"],"name":"s","namespace":"s"}],"info":[{"name":"s","value":"s"}],"project":"s","revisionHistoryLimit":"i","source":{"chart":"s","directory":{"exclude":"s","include":"s","jsonnet":{"extVars":[{"code":"b","name":"s","value":"s"}],"libs":["s"],"tlas":[{"code":"b","name":"s","value":"s"}]},"recurse":"b"},"helm":{"apiVersions":["s"],"fileParameters":[{"name":"s","path":"s"}],"ignoreMissingValueFiles":"b","kubeVersion":"s","namespace":"s","parameters":[{"forceString":"b","name":"s","value":"s"}],"passCredentials":"b","releaseName":"s","skipCrds":"b","skipSchemaValidation":"b","skipTests":"b","valueFiles":["s"],"values":"s","valuesObject":"*","version":"s"},"kustomize":{"apiVersions":["s"],"commonAnnotations":{"*":"s"},"commonAnnotationsEnvsubst":"b","commonLabels":{"*":"s"},"components":["s"],"forceCommonAnnotations":"b","forceCommonLabels":"b","ignoreMissingComponents":"b","images":["s"],"kubeVersion":"s","labelIncludeTemplates":"b","labelWithoutSelector":"b","namePrefix":"s","nameSuffix":"s","namespace":"s","patches":[{"options":{"*":"b"},"patch":"s","path":"s","target":{"annotationSelector":"s","group":"s","kind":"s","labelSelector":"s","name":"s","namespace":"s","version":"s"}}],"replicas":[{"count":"is","name":"s"}],"version":"s"},"name":"s","path":"s","plugin":{"env":[{"name":"s","value":"s"}],"name":"s","parameters":[{"array":["s"],"map":{"*":"s"},"name":"s","string":"s"}]},"ref":"s","repoURL":"s","tagPrefix":"s","targetRevision":"s"},"sourceHydrator":{"drySource":{"directory":{"exclude":"s","include":"s","jsonnet":{"extVars":[{"code":"b","name":"s","value":"s"}],"libs":["s"],"tlas":[{"code":"b","name":"s","value":"s"}]},"recurse":"b"},"helm":{"apiVersions":["s"],"fileParameters":[{"name":"s","path":"s"}],"ignoreMissingValueFiles":"b","kubeVersion":"s","namespace":"s","parameters":[{"forceString":"b","name":"s","value":"s"}],"passCredentials":"b","releaseName":"s","skipCrds":"b","skipSchemaValidation":"b","skipTests":"b","valueFiles":["s"],"values":"s","valuesObject":"*","version":"s"},"kustomize":{"apiVersions":["s"],"commonAnnotations":{"*":"s"},"commonAnnotationsEnvsubst":"b","commonLabels":{"*":"s"},"components":["s"],"forceCommonAnnotations":"b","forceCommonLabels":"b","ignoreMissingComponents":"b","images":["s"],"kubeVersion":"s","labelIncludeTemplates":"b","labelWithoutSelector":"b","namePrefix":"s","nameSuffix":"s","namespace":"s","patches":[{"options":{"*":"b"},"patch":"s","path":"s","target":{"annotationSelector":"s","group":"s","kind":"s","labelSelector":"s","name":"s","namespace":"s","version":"s"}}],"replicas":[{"count":"is","name":"s"}],"version":"s"},"path":"s","plugin":{"env":[{"name":"s","value":"s"}],"name":"s","parameters":[{"array":["s"],"map":{"*":"s"},"name":"s","string":"s"}]},"repoURL":"s","targetRevision":"s"},"hydrateTo":{"targetBranch":"s"},"syncSource":{"path":"s","repoURL":"s","targetBranch":"s"}},"sources":[{"chart":"s","directory":{"exclude":"s","include":"s","jsonnet":{"extVars":[{"code":"b","name":"s","value":"s"}],"libs":["s"],"tlas":[{"code":"b","name":"s","value":"s"}]},"recurse":"b"},"helm":{"apiVersions":["s"],"fileParameters":[{"name":"s","path":"s"}],"ignoreMissingValueFiles":"b","kubeVersion":"s","namespace":"s","parameters":[{"forceString":"b","name":"s","value":"s"}],"passCredentials":"b","releaseName":"s","skipCrds":"b","skipSchemaValidation":"b","skipTests":"b","valueFiles":["s"],"values":"s","valuesObject":"*","version":"s"},"kustomize":{"apiVersions":["s"],"commonAnnotations":{"*":"s"},"commonAnnotationsEnvsubst":"b","commonLabels":{"*":"s"},"components":["s"],"forceCommonAnnotations":"b","forceCommonLabels":"b","ignoreMissingComponents":"b","images":["s"],"kubeVersion":"s","labelIncludeTemplates":"b","labelWithoutSelector":"b","namePrefix":"s","nameSuffix":"s","namespace":"s","patches":[{"options":{"*":"b"},"patch":"s","path":"s","target":{"annotationSelector":"s","group":"s","kind":"s","labelSelector":"s","name":"s","namespace":"s","version":"s"}}],"replicas":[{"count":"is","name":"s"}],"version":"s"},"name":"s","path":"s","plugin":{"env":[{"name":"s","value":"s"}],"name":"s","parameters":[{"array":["s"],"map":{"*":"s"},"name":"s","string":"s"}]},"ref":"s","repoURL":"s","tagPrefix":"s","targetRevision":"s"}],"syncPolicy":{"automated":{"allowEmpty":"b","enabled":"b","prune":"b","selfHeal":"b"},"managedNamespaceMetadata":{"annotations":{"*":"s"},"labels":{"*":"s"}},"retry":{"backoff":{"duration":"s","factor":"i","maxDuration":"s"},"limit":"i","refresh":"b"},"syncOptions":["s"]}}',
) as SpecType;

const GO_TYPE: Readonly<Record<string, string>> = {
  s: 'string',
  i: 'an integer',
  n: 'a number',
  b: 'a bool',
  is: 'an integer or a string',
};

function jsonKind(v: unknown): string {
  return Array.isArray(v)
    ? 'an array'
    : typeof v === 'object'
      ? 'an object'
      : typeof v === 'boolean'
        ? 'a bool'
        : typeof v === 'number'
          ? 'a number'
          : 'a string';
}

function describe(type: SpecType): string {
  if (typeof type === 'string') {
    return type === 's' ? 'a string' : (GO_TYPE[type] ?? 'anything');
  }
  return Array.isArray(type) ? 'a list' : 'a map';
}

/**
 * The first field of `value` that Go's encoding/json cannot read into the Go type `type`
 * (`json: cannot unmarshal array into Go struct field … of type string`), as `field is an
 * array where an Application holds a string`; undefined when every field can be read. A null
 * leaves a field empty, and fields the type does not know are ignored, as Go does. Messages
 * name fields and kinds, never values.
 */
export function unreadableField(value: unknown, type: SpecType, field: string): string | undefined {
  if (value === null || value === undefined || type === '*') {
    return undefined;
  }
  const wrong = (): string => `${field} is ${jsonKind(value)} where an Application holds ${describe(type)}`;
  if (typeof type === 'string') {
    switch (type) {
      case 's':
        return typeof value === 'string' ? undefined : wrong();
      case 'i':
        return typeof value === 'number' && Number.isInteger(value) ? undefined : wrong();
      case 'n':
        return typeof value === 'number' ? undefined : wrong();
      case 'b':
        return typeof value === 'boolean' ? undefined : wrong();
      default:
        return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)) ? undefined : wrong();
    }
  }
  if (Array.isArray(type)) {
    if (!Array.isArray(value)) {
      return wrong();
    }
    for (let i = 0; i < value.length; i++) {
      const inner = unreadableField(value[i], type[0]!, `${field}[${i}]`);
      if (inner !== undefined) return inner;
    }
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    return wrong();
  }
  const fields = type as { readonly [field: string]: SpecType };
  const map = fields['*'];
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const t = map ?? fields[key] ?? Object.entries(fields).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
    const inner =
      t === undefined ? undefined : unreadableField(item, t, map === undefined ? `${field}.${key}` : `${field}[${JSON.stringify(key)}]`);
    if (inner !== undefined) return inner;
  }
  return undefined;
}
