/**
 * Regenerates the README's tabletop figures: runs the failover and burn-rate scenarios of the
 * tabletop on the example plan and writes the observed figures between the
 * `tabletop-failover` and `tabletop-detection` markers. `npx tsx scripts/tabletop-figures.ts`
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadAssembly, synthesizeForDrill } from '../drill/assembly';
import { detectionTable, failoverTable, replaceBlock } from '../drill/figures';
import { runTabletop } from '../drill/runner';
import { loadScenario } from '../drill/scenario';
import { EXAMPLE_PLAN_PATH } from '../lib/config';

async function main(): Promise<void> {
  const assembly = loadAssembly(await synthesizeForDrill(EXAMPLE_PLAN_PATH));
  const run = async (name: string) => {
    process.stderr.write(`running ${name} …\n`);
    return (await runTabletop({ assembly, scenario: loadScenario(path.join(__dirname, '..', 'drill', 'scenarios', `${name}.yaml`)) })).report;
  };
  const primary = await run('primary-down');
  const both = await run('both-down');
  const b100 = await run('burn-100');
  const b10 = await run('burn-10');
  const readmePath = path.join(__dirname, '..', 'README.md');
  let readme = fs.readFileSync(readmePath, 'utf8');
  readme = replaceBlock(readme, 'tabletop-failover', failoverTable(primary, both));
  readme = replaceBlock(readme, 'tabletop-detection', detectionTable([['100% (burn-100)', b100], ['10% (burn-10)', b10]]));
  fs.writeFileSync(readmePath, readme);
  process.stderr.write('README.md tabletop figures written\n');
}

main().catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exitCode = 1;
});
