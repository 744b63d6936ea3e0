import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DrillAssembly, loadAssembly, synthesizeForDrill } from '../../drill/assembly';
import { RunOutcome, runTabletop } from '../../drill/runner';
import { loadScenario } from '../../drill/scenario';
import { EXAMPLE_PLAN_PATH } from '../../lib/config';

/** One synthesized example plan per test file (in beforeAll), and each scenario run at most once per file. */
export function tabletopFile() {
  let assembly: DrillAssembly | undefined;
  beforeAll(async () => {
    assembly = loadAssembly(await synthesizeForDrill(EXAMPLE_PLAN_PATH));
  });
  const runs: Record<string, RunOutcome> = {};
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tabletop-test-'));
  return {
    out,
    async run(name: string): Promise<RunOutcome> {
      assembly ??= loadAssembly(await synthesizeForDrill(EXAMPLE_PLAN_PATH));
      runs[name] ??= await runTabletop({ assembly, scenario: loadScenario(path.join(__dirname, '..', '..', 'drill', 'scenarios', `${name}.yaml`)), outDir: path.join(out, name) });
      return runs[name];
    },
  };
}
