import { findNonPlainValues, mergeValues, mergeValuesWithProvenance, Values, ValuesLayer } from '../../src/model/values';

const layer = (label: string, values: Values): ValuesLayer => ({ id: label.toLowerCase().replace(/ /g, ':'), label, values });

describe('mergeValues', () => {
  it('merges maps deeply, lowest layer first', () => {
    // GIVEN
    const layers = [
      layer('Platform', { autoscaling: { enabled: true, minReplicas: 2 }, ingress: { enabled: false } }),
      layer('Environment prod', { autoscaling: { minReplicas: 6, maxReplicas: 18 } }),
      layer('Cloud azure', { ingress: { className: 'istio-internal' } }),
    ];

    // WHEN
    const merged = mergeValues(layers);

    // THEN
    expect(merged).toEqual({
      autoscaling: { enabled: true, minReplicas: 6, maxReplicas: 18 },
      ingress: { enabled: false, className: 'istio-internal' },
    });
  });

  it('replaces lists as a whole', () => {
    // GIVEN
    const layers = [
      layer('Platform', { ingress: { hosts: [{ host: 'a.example.com' }, { host: 'b.example.com' }] }, args: ['--a', '--b'] }),
      layer('Environment prod', { ingress: { hosts: [{ host: 'c.example.com' }] }, args: [] }),
    ];

    // WHEN
    const merged = mergeValues(layers);

    // THEN
    expect(merged).toEqual({ ingress: { hosts: [{ host: 'c.example.com' }] }, args: [] });
  });

  it('removes a key set to null, with everything under it', () => {
    // GIVEN
    const layers = [
      layer('Platform', { podDisruptionBudget: { minAvailable: 1 }, ingress: { enabled: true, tls: { secret: 'x' } } }),
      layer('Cluster prod/azure/westeurope-01', { podDisruptionBudget: null, ingress: { tls: null }, absent: null }),
    ];

    // WHEN
    const merged = mergeValues(layers);

    // THEN
    expect(merged).toEqual({ ingress: { enabled: true } });
  });

  it('lets a later layer replace a scalar with a map and a map with a scalar', () => {
    // GIVEN
    const layers = [
      layer('Platform', { resources: 'small', probes: { liveness: { path: '/health' } } }),
      layer('Service payments-api', { resources: { cpu: '1' }, probes: false }),
    ];

    // WHEN
    const merged = mergeValues(layers);

    // THEN
    expect(merged).toEqual({ resources: { cpu: '1' }, probes: false });
  });

  it('never modifies its inputs', () => {
    // GIVEN
    const low = { a: { b: 1, list: [1, 2] }, gone: { x: 1 } };
    const high = { a: { c: 2, list: [3] }, gone: null };
    const before = JSON.stringify([low, high]);

    // WHEN
    const merged = mergeValues([layer('Low', low), layer('High', high)]);

    // THEN
    expect(merged).toEqual({ a: { b: 1, c: 2, list: [3] } });
    expect(JSON.stringify([low, high])).toBe(before);
    expect(merged.a).not.toBe(low.a);
  });

  it('gives an empty object for no layers', () => {
    expect(mergeValues([])).toEqual({});
  });
});

describe('mergeValuesWithProvenance', () => {
  it('records the layer that set each final key, lists being leaves', () => {
    // GIVEN
    const layers = [
      layer('Platform', { autoscaling: { enabled: true, minReplicas: 2 }, ingress: { hosts: ['a'] } }),
      layer('Environment prod', { autoscaling: { minReplicas: 6 } }),
      layer('Service payments-api', { ingress: { hosts: ['b', 'c'] } }),
    ];

    // WHEN
    const { values, provenance } = mergeValuesWithProvenance(layers);

    // THEN
    expect(values).toEqual(mergeValues(layers));
    expect(Object.fromEntries(provenance)).toEqual({
      'autoscaling.enabled': 'Platform',
      'autoscaling.minReplicas': 'Environment prod',
      'ingress.hosts': 'Service payments-api',
    });
  });

  it('forgets the keys a null removed', () => {
    // GIVEN
    const layers = [
      layer('Platform', { podDisruptionBudget: { minAvailable: 1 }, keep: 1 }),
      layer('Environment prod', { podDisruptionBudget: null }),
    ];

    // WHEN
    const { values, provenance } = mergeValuesWithProvenance(layers);

    // THEN
    expect(values).toEqual({ keep: 1 });
    expect(Object.fromEntries(provenance)).toEqual({ keep: 'Platform' });
  });

  it('forgets the keys under a map a scalar replaced, and the scalar a map replaced', () => {
    // GIVEN
    const layers = [
      layer('Platform', { probes: { liveness: { path: '/health' } }, resources: 'small' }),
      layer('Environment prod', { probes: false, resources: { cpu: '1' } }),
    ];

    // WHEN
    const { provenance } = mergeValuesWithProvenance(layers);

    // THEN
    expect(Object.fromEntries(provenance)).toEqual({ probes: 'Environment prod', 'resources.cpu': 'Environment prod' });
  });

  it('records an empty map as a leaf until a later layer fills it', () => {
    // GIVEN
    const empty = [layer('Platform', { annotations: {} })];
    const filled = [...empty, layer('Cluster prod/aws/eu-central-1-01', { annotations: { team: 'payments' } })];

    // WHEN
    const before = mergeValuesWithProvenance(empty);
    const after = mergeValuesWithProvenance(filled);

    // THEN
    expect(Object.fromEntries(before.provenance)).toEqual({ annotations: 'Platform' });
    expect(Object.fromEntries(after.provenance)).toEqual({ 'annotations.team': 'Cluster prod/aws/eu-central-1-01' });
  });
});

describe('findNonPlainValues', () => {
  it('accepts plain data', () => {
    expect(findNonPlainValues({ a: [1, 'x', true, null, { b: [] }], c: Object.create(null) })).toEqual([]);
  });

  it('names every value that is not plain data by its key path', () => {
    // GIVEN
    class Port {}
    const values = {
      hook: () => 1,
      port: new Port(),
      when: new Date(0),
      missing: undefined,
      ratio: NaN,
      nested: { list: [1, Infinity, { deep: Symbol('s') }], big: BigInt(1) },
    };

    // WHEN
    const problems = findNonPlainValues(values);

    // THEN
    expect(problems).toEqual([
      { keyPath: 'hook', received: 'a function' },
      { keyPath: 'port', received: 'an instance of Port' },
      { keyPath: 'when', received: 'an instance of Date' },
      { keyPath: 'missing', received: 'undefined' },
      { keyPath: 'ratio', received: 'NaN' },
      { keyPath: 'nested.list[1]', received: 'Infinity' },
      { keyPath: 'nested.list[2].deep', received: 'symbol' },
      { keyPath: 'nested.big', received: 'bigint' },
    ]);
  });

  it('reports a cycle where it closes, and accepts the same object twice without a cycle', () => {
    // GIVEN
    const shared = { x: 1 };
    const cyclic: Record<string, unknown> = { a: { shared }, b: { shared } };
    (cyclic.a as Record<string, unknown>).back = cyclic;

    // WHEN
    const problems = findNonPlainValues(cyclic);

    // THEN
    expect(problems).toEqual([{ keyPath: 'a.back', received: 'a reference cycle' }]);
  });
});
