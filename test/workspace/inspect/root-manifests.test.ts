import { applicationSetsAppliedIn, sourceToolFile } from '../../../src/workspace/inspect/root-manifests';

/*
 * Argo CD's repo server reads a manifest file of a directory source with utfutil (a UTF-8
 * byte-order mark dropped), skips one holding "+argocd:skip-file-rendering", and cuts a YAML
 * file with apimachinery's YAMLReader: at each line starting with "---" (the line left out; only
 * spaces or a "#" comment may follow, else "invalid Yaml document separator"), each piece read
 * by sigs.k8s.io/yaml, which decodes its first document only.
 */

const FILE = 'applicationsets/prod/by-hand.yaml';
const SET = (name: string): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: ${name}\n  namespace: argocd\n`;

function names(text: string | Buffer, file = FILE): string[] {
  return applicationSetsAppliedIn(file, Buffer.isBuffer(text) ? text : Buffer.from(text)).map((s) => String(s.object.metadata?.name));
}

describe('applicationSetsAppliedIn', () => {
  test('cuts at each line starting with ---, a comment after it allowed, CRLF too', () => {
    expect(names(`---\n${SET('a')}--- # next\n${SET('b')}---\r\n${SET('c').replace(/\n/g, '\r\n')}---\n`)).toEqual(['a', 'b', 'c']);
  });

  test('drops a UTF-8 byte-order mark, as utfutil does', () => {
    expect(names(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SET('a'))]))).toEqual(['a']);
    expect(
      names(
        Buffer.concat([
          Buffer.from([0xef, 0xbb, 0xbf]),
          Buffer.from(JSON.stringify({ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'j' } })),
        ]),
        'x/y.json',
      ),
    ).toEqual(['j']);
  });

  test('reads nothing from a file marked to be skipped', () => {
    expect(names(`${SET('a')}# +argocd:skip-file-rendering\n`)).toEqual([]);
  });

  test('fails when a --- line goes on with other text', () => {
    expect(() => names(`${SET('a')}--- !!map\n${SET('b')}`)).toThrow(
      /CG708.*has a line 6 that starts with "---" and goes on with other text/,
    );
  });

  test('fails when a piece holds a second document after a document end marker, which Argo CD never reads', () => {
    expect(() => names(`${SET('a')}...\n${SET('b')}`)).toThrow(/CG706.*document end marker/);
    expect(names(`${SET('a')}...\n`)).toEqual(['a']);
  });

  test('fails on a NUL byte', () => {
    expect(() => names(`${SET('a')}\u0000`)).toThrow(/CG706.*holds a NUL byte/);
  });

  test('fails on a .json file that is not one JSON object', () => {
    expect(() => names('[1]', 'x/y.json')).toThrow(/CG708.*does not hold a JSON object/);
  });

  test('names the file that makes the directory a Helm chart or a Kustomization', () => {
    const dir = 'applicationsets/prod';
    expect(sourceToolFile(dir, [`${dir}/a.yaml`, `${dir}/.myChart.yaml`])).toBe(`${dir}/.myChart.yaml`);
    expect(sourceToolFile(dir, [`${dir}/a.yaml`, `${dir}/Kustomization`])).toBe(`${dir}/Kustomization`);
    expect(sourceToolFile(dir, [`${dir}/a.yaml`, `${dir}/sub/Chart.yaml`, `${dir}/Chart.yml`])).toBeUndefined();
  });
});
