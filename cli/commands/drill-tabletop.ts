import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import { CliError, drillGroup, Io, UsageError, withPlan } from '../common';

/** The built-in scenarios (one YAML file each; teams copy one to write their own). */
export const SCENARIOS_DIR = path.join(__dirname, '..', '..', 'drill', 'scenarios');

/** A scenario option: a file, or the name of a built-in scenario. */
export function scenarioPath(value: string): string {
  if (fs.existsSync(value)) return value;
  const builtin = path.join(SCENARIOS_DIR, `${value}.yaml`);
  if (/^[a-z0-9-]+$/.test(value) && fs.existsSync(builtin)) return builtin;
  const names = fs.readdirSync(SCENARIOS_DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
  throw new UsageError(`--scenario must be a scenario file or one of the built-in scenarios (${names.join(', ')}), got "${value}"`);
}

interface TabletopOptions {
  readonly plan?: string;
  readonly scenario: string;
  readonly out?: string;
  readonly assembly?: string;
}

/**
 * `contingency drill tabletop`: the whole outage simulated on this machine from the synthesized
 * cloud assembly, on a simulated clock. Writes only to --out (local files); calls no AWS account.
 */
export function register(program: Command, io: Io): void {
  // Synthesizes the plan, so it lives apart from the live-drill subcommands (drill.ts).
  const drill = drillGroup(program);
  withPlan(
    drill
      .command('tabletop')
      .description('simulate an outage scenario end to end from what `cdk synth` makes of the plan (no AWS account; starts a local moto_server); exit 1 when an objective is missed')
      .addOption(new Option('--scenario <name or file>', 'scenario YAML file, or a built-in scenario name (drill/scenarios/)').makeOptionMandatory())
      .addOption(new Option('--out <dir>', 'write report.json, timeline.json, timeline.md and timeline.html here'))
      .addOption(new Option('--assembly <dir>', 'use this already synthesized assembly (from an earlier run) instead of synthesizing the plan')),
  ).action(async (opts: TabletopOptions) => {
    const file = scenarioPath(opts.scenario);
    const { loadAnyScenario } = require('../../drill/scenario') as typeof import('../../drill/scenario');
    let scenario;
    try {
      scenario = loadAnyScenario(file);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const { runAnyTabletop } = require('../../drill/runner') as typeof import('../../drill/runner');
    const { loadAssembly, synthesizeForDrill } = require('../../drill/assembly') as typeof import('../../drill/assembly');
    const { EXAMPLE_PLAN_PATH } = require('../../lib/config/loader') as typeof import('../../lib/config/loader');
    if (!opts.assembly) io.err(`synthesizing ${opts.plan ?? EXAMPLE_PLAN_PATH} …`);
    const assembly = loadAssembly(opts.assembly ?? (await synthesizeForDrill(opts.plan ?? EXAMPLE_PLAN_PATH)));
    io.err(`running ${scenario.name} (${'corruption' in scenario ? 'data corruption and restore' : `${scenario.durationMinutes} simulated minutes`}) …`);
    const { report, files } = await runAnyTabletop({ scenario, assembly, ...(opts.out ? { outDir: opts.out } : {}) });
    const s = (v: number | null) => (v === null ? '—' : `${v} s`);
    io.out(`tabletop ${report.scenario}: ${report.passed ? 'every objective met' : `${report.failures.length} objective(s) missed`}`);
    if ('kind' in report) {
      const m = report.measured;
      io.out(`  declared ${s(m.declaredSeconds)} after the damage (no alarm); restore attempts: ${m.attempts.map((a) => `${a.recoveryPointCreated} ${a.verdict}${a.code ? ` ${a.code}` : ''}`).join(', ') || 'none'}`);
      io.out(`  recovered ${s(m.recoverySeconds)} after the damage (RTO ${report.objectives.rtoSeconds} s), data lost ${s(m.dataLossSeconds)} (RPO ${report.objectives.rpoSeconds} s; worst case of the backup schedule ${m.worstCaseDataLossSeconds} s)`);
    } else if ('live' in report) {
      const m = report.measured;
      io.out(`  rehearsed live drill (${report.live.kind}, ${report.live.phase}${report.live.abort ? `, aborted: ${report.live.abort.condition}` : ''}): DNS switch ${s(m.failoverSeconds)}, first standby answer (measured RTO) ${s(m.recoverySeconds)} (objective ${report.objectives.rtoSeconds} s, model ${s(report.rehearsal.failoverModelSeconds)}), time back ${s(report.live.timeBackSeconds)}`);
      io.out(`  detection: general ${s(m.detectionSeconds.general)}, important ${s(m.detectionSeconds.important)}, emergency ${s(m.detectionSeconds.emergency)}; first page ${s(m.firstPageSeconds)}, drill incident ${s(m.incidentOpenSeconds)}, customer notice ${s(m.customerNoticeSeconds)}`);
    } else {
      const m = report.measured;
      const o = report.objectives;
      io.out(`  detection: general ${s(m.detectionSeconds.general)}, important ${s(m.detectionSeconds.important)}, emergency ${s(m.detectionSeconds.emergency)}`);
      io.out(`  failover ${s(m.failoverSeconds)}${o.failoverModelSeconds !== null ? ` (model ${o.failoverModelSeconds} s)` : ''}, fallback ${s(m.fallbackSeconds)}${o.fallbackModelSeconds !== null ? ` (model ${o.fallbackModelSeconds} s)` : ''}`);
      io.out(`  first page ${s(m.firstPageSeconds)}, incident open ${s(m.incidentOpenSeconds)}, first customer notice ${s(m.customerNoticeSeconds)}, resolved ${s(m.recoverySeconds)} after the fault ended`);
    }
    for (const f of report.failures) io.out(`  missed: ${f}`);
    for (const f of files) io.out(`  wrote ${f}`);
    if (!report.passed) throw new CliError('');
  });
}

