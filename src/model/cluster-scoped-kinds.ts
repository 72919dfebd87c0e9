/**
 * The cluster-scoped kinds cdk8s-gitops knows, with the resource RBAC names each by: the one place
 * that tells a cluster-scoped kind from a namespaced one. A kind of another custom resource is
 * not known: its scope is in its CRD, which the program does not hold.
 *
 * @module
 */

/** Built-in cluster-scoped kinds (their names are unique across Kubernetes' groups), by kind. */
const BUILT_IN = new Map<string, string>([
  ['Namespace', 'namespaces'],
  ['Node', 'nodes'],
  ['PersistentVolume', 'persistentvolumes'],
  ['ClusterRole', 'clusterroles'],
  ['ClusterRoleBinding', 'clusterrolebindings'],
  ['CustomResourceDefinition', 'customresourcedefinitions'],
  ['APIService', 'apiservices'],
  ['StorageClass', 'storageclasses'],
  ['CSIDriver', 'csidrivers'],
  ['CSINode', 'csinodes'],
  ['VolumeAttachment', 'volumeattachments'],
  ['PriorityClass', 'priorityclasses'],
  ['IngressClass', 'ingressclasses'],
  ['RuntimeClass', 'runtimeclasses'],
  ['ValidatingWebhookConfiguration', 'validatingwebhookconfigurations'],
  ['MutatingWebhookConfiguration', 'mutatingwebhookconfigurations'],
  ['ValidatingAdmissionPolicy', 'validatingadmissionpolicies'],
  ['ValidatingAdmissionPolicyBinding', 'validatingadmissionpolicybindings'],
  ['MutatingAdmissionPolicy', 'mutatingadmissionpolicies'],
  ['MutatingAdmissionPolicyBinding', 'mutatingadmissionpolicybindings'],
  ['FlowSchema', 'flowschemas'],
  ['PriorityLevelConfiguration', 'prioritylevelconfigurations'],
  ['CertificateSigningRequest', 'certificatesigningrequests'],
  ['ClusterTrustBundle', 'clustertrustbundles'],
  ['IPAddress', 'ipaddresses'],
  ['ServiceCIDR', 'servicecidrs'],
  ['DeviceClass', 'deviceclasses'],
]);

/** Cluster-scoped kinds of well-known custom resources, by `<group>/<kind>`. */
const CUSTOM = new Map<string, string>([
  ['cert-manager.io/ClusterIssuer', 'clusterissuers'],
  ['external-secrets.io/ClusterSecretStore', 'clustersecretstores'],
  ['external-secrets.io/ClusterExternalSecret', 'clusterexternalsecrets'],
  ['kyverno.io/ClusterPolicy', 'clusterpolicies'],
  ['kyverno.io/ClusterCleanupPolicy', 'clustercleanuppolicies'],
  ['gateway.networking.k8s.io/GatewayClass', 'gatewayclasses'],
  ['karpenter.sh/NodePool', 'nodepools'],
  ['karpenter.k8s.aws/EC2NodeClass', 'ec2nodeclasses'],
  ['snapshot.storage.k8s.io/VolumeSnapshotClass', 'volumesnapshotclasses'],
  ['snapshot.storage.k8s.io/VolumeSnapshotContent', 'volumesnapshotcontents'],
]);

/** The resource RBAC names a known cluster-scoped kind by (`ClusterRole` → `clusterroles`), or undefined. */
export function clusterScopedResource(group: string, kind: string): string | undefined {
  return BUILT_IN.get(kind) ?? CUSTOM.get(`${group}/${kind}`);
}

/** Whether objects of `kind` (of API group `group`) live outside namespaces, of the kinds cdk8s-gitops knows. */
export function isClusterScopedKind(kind: string, group = ''): boolean {
  return clusterScopedResource(group, kind) !== undefined;
}
