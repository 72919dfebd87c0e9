/**
 * The cluster-scoped kinds cdk8s-gitops knows, with the resource RBAC names each by: the one place
 * that tells a cluster-scoped kind from a namespaced one. A kind of another custom resource is
 * not known: its scope is in its CRD, which the program does not hold.
 *
 * @module
 */

/** Built-in cluster-scoped kinds, by `<group>/<kind>` (the core group is empty: `/Namespace`). */
const BUILT_IN = new Map<string, string>([
  ['/Namespace', 'namespaces'],
  ['/Node', 'nodes'],
  ['/PersistentVolume', 'persistentvolumes'],
  ['rbac.authorization.k8s.io/ClusterRole', 'clusterroles'],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', 'clusterrolebindings'],
  ['apiextensions.k8s.io/CustomResourceDefinition', 'customresourcedefinitions'],
  ['apiregistration.k8s.io/APIService', 'apiservices'],
  ['storage.k8s.io/StorageClass', 'storageclasses'],
  ['storage.k8s.io/CSIDriver', 'csidrivers'],
  ['storage.k8s.io/CSINode', 'csinodes'],
  ['storage.k8s.io/VolumeAttachment', 'volumeattachments'],
  ['scheduling.k8s.io/PriorityClass', 'priorityclasses'],
  ['networking.k8s.io/IngressClass', 'ingressclasses'],
  ['networking.k8s.io/IPAddress', 'ipaddresses'],
  ['networking.k8s.io/ServiceCIDR', 'servicecidrs'],
  ['node.k8s.io/RuntimeClass', 'runtimeclasses'],
  ['admissionregistration.k8s.io/ValidatingWebhookConfiguration', 'validatingwebhookconfigurations'],
  ['admissionregistration.k8s.io/MutatingWebhookConfiguration', 'mutatingwebhookconfigurations'],
  ['admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'validatingadmissionpolicies'],
  ['admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding', 'validatingadmissionpolicybindings'],
  ['admissionregistration.k8s.io/MutatingAdmissionPolicy', 'mutatingadmissionpolicies'],
  ['admissionregistration.k8s.io/MutatingAdmissionPolicyBinding', 'mutatingadmissionpolicybindings'],
  ['flowcontrol.apiserver.k8s.io/FlowSchema', 'flowschemas'],
  ['flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration', 'prioritylevelconfigurations'],
  ['certificates.k8s.io/CertificateSigningRequest', 'certificatesigningrequests'],
  ['certificates.k8s.io/ClusterTrustBundle', 'clustertrustbundles'],
  ['resource.k8s.io/DeviceClass', 'deviceclasses'],
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
  return BUILT_IN.get(`${group}/${kind}`) ?? CUSTOM.get(`${group}/${kind}`);
}

/** Whether objects of `kind` (of API group `group`) live outside namespaces, of the kinds cdk8s-gitops knows. */
export function isClusterScopedKind(kind: string, group: string): boolean {
  return clusterScopedResource(group, kind) !== undefined;
}
