/**
 * The workload of orders-api as typed cdk8s-plus-28 code: a Deployment with its ConfigMap,
 * Service, Ingress, HorizontalPodAutoscaler and PodDisruptionBudget. It reads the target's
 * layered values (replicas, host, ingress class), like a Helm chart would.
 */
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { RenderContext } from '../../src';

/** The values orders-api reads. */
interface OrdersValues {
  readonly logLevel: string;
  readonly autoscaling: { readonly minReplicas: number; readonly maxReplicas: number };
  readonly podDisruptionBudget: { readonly minAvailable: number };
  readonly ingress: { readonly className: string; readonly host: string };
}

export function ordersApi(ctx: RenderContext): void {
  const v = ctx.values as unknown as OrdersValues;
  const config = new kplus.ConfigMap(ctx.scope, 'config', {
    data: { LOG_LEVEL: v.logLevel, REGION: ctx.region, CLUSTER: ctx.destination },
  });
  const api = new kplus.Deployment(ctx.scope, ctx.service, {
    containers: [
      {
        name: 'api',
        image: ctx.image,
        portNumber: 8080,
        envFrom: [kplus.Env.fromConfigMap(config)],
        resources: {
          cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(1000) },
          memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
        },
        securityContext: { user: 10001, group: 10001 },
      },
    ],
  });
  const service = api.exposeViaService({ name: ctx.service, ports: [{ port: 80, targetPort: 8080 }] });
  new kplus.Ingress(ctx.scope, 'ingress', {
    className: v.ingress.className,
    rules: [
      { host: v.ingress.host, path: '/', pathType: kplus.HttpIngressPathType.PREFIX, backend: kplus.IngressBackend.fromService(service) },
    ],
  });
  new kplus.HorizontalPodAutoscaler(ctx.scope, 'hpa', {
    target: api,
    minReplicas: v.autoscaling.minReplicas,
    maxReplicas: v.autoscaling.maxReplicas,
    metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
  });
  new kplus.k8s.KubePodDisruptionBudget(ctx.scope, 'pdb', {
    spec: {
      minAvailable: kplus.k8s.IntOrString.fromNumber(v.podDisruptionBudget.minAvailable),
      selector: { matchLabels: api.matchLabels },
    },
  });
}
