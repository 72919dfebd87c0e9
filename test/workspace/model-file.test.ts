import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readModelFile, writeModelFile } from '../../src/workspace/program/model-file';
import { snapshotPlatform } from '../../src/constructs/snapshot';
import { fingerprint } from '../../src/synth/file-tree';
import type { PlatformModel } from '../../src/model/platform-model';
import type { ProgramOutput } from '../../src/workspace/program/protocol';
import { GitOpsError } from '../../src/core/errors';
import { smallPlatform } from '../support/platforms';
import { Cluster, Service } from '../../src';

/** A model of a few targets, with text of several UTF-8 bytes a character before its targets. */
function model(): PlatformModel {
  const { platform, env, cloud } = smallPlatform();
  new Cluster(env, 'westeurope-02', { cloud, region: 'westeurope' });
  new Service(platform, 'orders-api', {
    image: { repository: 'registry.example.com/commerce/orders-api' },
    initialDigest: `sha256:${'b'.repeat(64)}`,
  }).deployTo(env);
  const { targets, ...rest } = snapshotPlatform(platform);
  return { ...rest, repoURL: 'https://git.example.com/plätform/grüße-🚀.git', targets };
}

describe('the model file a program hands over', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-file-'));
    file = path.join(dir, 'model.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('is exactly JSON.stringify of the output, fingerprinted by its bytes', () => {
    const output: ProgramOutput = { model: model() };
    expect(output.model.targets.length).toBe(4);
    writeModelFile(file, output);
    expect(fs.readFileSync(file, 'utf8')).toBe(JSON.stringify(output));
    const read = readModelFile(file, 'node platform.js')!;
    expect(read.fingerprint).toBe(fingerprint(JSON.stringify(output)));
    expect(JSON.parse(JSON.stringify(read.output))).toEqual(JSON.parse(JSON.stringify(output)));
  });

  test('its targets are parsed when first asked for, and one that does not read then fails with CG304', () => {
    writeModelFile(file, { model: model() });
    // The targets' bytes spoilt, the rest as written: read without parsing them.
    const [start] = JSON.parse(fs.readFileSync(`${file}.targets`, 'utf8')).targets as number[];
    expect(fs.readFileSync(file).toString('utf8', start, start + 2)).toBe('[{');
    const bytes = fs.readFileSync(file);
    bytes[start + 1] = '#'.charCodeAt(0);
    fs.writeFileSync(file, bytes);
    const read = readModelFile(file, 'node platform.js')!;
    const m = (read.output as { model: PlatformModel }).model;
    expect(m.repoURL).toBe('https://git.example.com/plätform/grüße-🚀.git');
    expect(m.services.map((s) => s.name)).toEqual(['payments-api', 'orders-api']);
    let thrown: unknown;
    try {
      void m.targets;
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(GitOpsError);
    expect((thrown as GitOpsError).problems[0].code).toBe('CG304');
    expect((thrown as GitOpsError).message).toContain('node platform.js');
    expect((thrown as GitOpsError).message).not.toContain('#');
  });

  test('without the note of where the targets are, or with one that does not fit the file, is parsed whole', () => {
    const output: ProgramOutput = { model: model() };
    const whole = JSON.parse(JSON.stringify(output));
    writeModelFile(file, output);
    const text = fs.readFileSync(file, 'utf8');
    // The range of another array of the model: what is left has its targets.
    const at = text.indexOf(`"services":${JSON.stringify(output.model.services)}`);
    const services = Buffer.byteLength(text.slice(0, at + '"services":'.length));
    const other = `{"targets":[${services},${services + Buffer.byteLength(JSON.stringify(output.model.services))}]}`;
    for (const note of [undefined, other, '{"targets":[1,5]}', '{"targets":[0,99999999]}', '{"targets":"x"}', 'not json']) {
      if (note === undefined) fs.rmSync(`${file}.targets`);
      else fs.writeFileSync(`${file}.targets`, note);
      const read = readModelFile(file, 'node platform.js')!;
      expect(Object.getOwnPropertyDescriptor((read.output as { model: object }).model, 'targets')?.get).toBeUndefined();
      expect(read.output).toEqual(whole);
    }
  });

  test('cut short, reads as no output; missing, as no file', () => {
    writeModelFile(file, { model: model() });
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.slice(0, text.length - 10));
    expect(readModelFile(file, 'node platform.js')!.output).toBeUndefined();
    expect(readModelFile(path.join(dir, 'none.json'), 'node platform.js')).toBeUndefined();
  });

  test("problems written over a model leave no note of the model's targets beside them", () => {
    // GIVEN a model handed over, with its note
    writeModelFile(file, { model: model() });
    expect(fs.existsSync(`${file}.targets`)).toBe(true);
    // WHEN problems are handed over after it (a second synth() call)
    const output: ProgramOutput = { error: { message: 'bad', problems: [] } };
    writeModelFile(file, output);
    // THEN the note is gone, and the problems read as written
    expect(fs.existsSync(`${file}.targets`)).toBe(false);
    expect(readModelFile(file, 'node platform.js')!.output).toEqual(output);
  });

  test('an error output is written and read as it is', () => {
    const output: ProgramOutput = { error: { message: 'bad', problems: [] } };
    writeModelFile(file, output);
    expect(fs.existsSync(`${file}.targets`)).toBe(false);
    expect(readModelFile(file, 'node platform.js')!.output).toEqual(output);
  });
});
