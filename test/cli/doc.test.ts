import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../helpers/cli';

const NO_STACK = /\n\s+at .+\(|node:internal|\.ts:\d+:\d+/;

/** `contingency doc` on the command line: usage errors exit 2, bad evidence exits 1, one line each, nothing written. */
describe('contingency doc', () => {
  test('--help names the options', async () => {
    const r = await runCli(['doc', '--help']);
    expect(r.code).toBe(0);
    for (const o of ['--plan <file>', '--out <dir>', '--evidence <dir>', '--assembly <dir>', '--no-pdf', '--chromium <path>']) expect(r.stdout).toContain(o);
  });

  test.each([
    [['doc'], /^contingency: doc needs --out <dir>: the folder to write the document into$/],
    [['doc', '--out', '/tmp/x', '--pages'], /^contingency: unknown option '--pages'/],
    [['doc', '--out'], /^contingency: option '--out <dir>' argument missing$/],
  ])('%j: exit 2, one line', async (args, want) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(want);
    expect(r.stdout).toBe('');
  });

  test('evidence that is neither a drill report nor restore jobs: exit 1, one line naming the file, no document', async () => {
    const evidence = fs.mkdtempSync(path.join(os.tmpdir(), 'doc-evidence-'));
    fs.writeFileSync(path.join(evidence, 'minutes.json'), '[1, 2]');
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'doc-out-')), 'doc');
    const r = await runCli(['doc', '--out', out, '--evidence', evidence, '--no-pdf']);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd()).toMatch(/^contingency: --evidence minutes\.json: neither a drill report .*; move it out of the folder$/);
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('--assembly that is not a cloud assembly: exit 1, one line with the fix', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'not-assembly-'));
    const r = await runCli(['doc', '--out', path.join(dir, 'out'), '--assembly', dir, '--no-pdf']);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^contingency: --assembly .* is not a cloud assembly .*run npx cdk synth and pass its cdk\.out/);
  });
});
