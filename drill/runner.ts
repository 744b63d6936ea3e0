import * as fs from 'fs';
import * as path from 'path';
import { DrillAssembly, loadAssembly, synthesizeForDrill } from './assembly';
import { DrillResult, DRILL_START_ISO, runEngine, TimelineEntry } from './engine';
import { createHandlers } from './handlers';
import { startMotoServer } from './moto';
import { WebhookReceivers } from './receivers';
import { AnyScenario, RestoreScenario, Scenario } from './scenario';
import { runRestoreDrill, type RestoreReport } from './restore';
import { renderPicture } from './picture';
import { failoverTimingFromTemplate } from '../lib/failover/timing-model';
import { renderReportMarkdown, type DrillReport } from '../ops/drill/machine';

// The SDK's Node.js version notice is not the drill's business (the CLI turns it off the same way).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * One tabletop run: the assembly (synthesized once, shared by many runs), a moto_server and local
 * webhook receivers started for the run and stopped after it, the real handlers, the engine; then
 * the report (objectives met or missed) and the files a team reads.
 */

export interface Report {
  readonly scenario: string;
  readonly title: string;
  readonly objectives: {
    readonly rtoSeconds: number;
    readonly failoverModelSeconds: number | null;
    readonly fallbackModelSeconds: number | null;
    readonly customerNoticeSeconds: number | null;
    readonly firstPageSeconds: number | null;
    readonly detectionSeconds: Partial<Record<'general' | 'important' | 'emergency', number>>;
  };
  readonly measured: DrillResult['measured'];
  readonly passed: boolean;
  readonly failures: string[];
}

/** The worst cases the failover timing model gives for the synthesized failover template. */
export function failoverModel(assembly: DrillAssembly): { failover: number | null; fallback: number | null } {
  const stack = assembly.stacks.find((s) => s.role === 'failover');
  if (!stack) return { failover: null, fallback: null };
  const manifest = JSON.parse(fs.readFileSync(path.join(assembly.dir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { properties?: { templateFile?: string; stackName?: string } }> };
  // Stacks are known by their deployed name; the artifact id is a construct path.
  const artifact = Object.entries(manifest.artifacts).find(([id, a]) => (a.properties?.stackName ?? id) === stack.name)?.[1];
  const file = artifact?.properties?.templateFile;
  const hops = file ? failoverTimingFromTemplate(JSON.parse(fs.readFileSync(path.join(assembly.dir, file), 'utf8'))) : undefined;
  return { failover: hops?.[0]?.hopSeconds ?? null, fallback: hops?.[1]?.cumulativeSeconds ?? null };
}

export function judge(assembly: DrillAssembly, scenario: Scenario, result: DrillResult): Report {
  const m = result.measured;
  const model = failoverModel(assembly);
  const rto = assembly.sidecar.objectives.rtoMinutes * 60;
  const primaryDown = scenario.faults.some((f) => f.kind === 'down' && f.target === 'primary');
  const standbyDown = scenario.faults.some((f) => f.kind === 'down' && f.target === 'standby');
  const objectives: Report['objectives'] = {
    rtoSeconds: rto,
    failoverModelSeconds: primaryDown && !standbyDown ? model.failover : null,
    fallbackModelSeconds: primaryDown && standbyDown ? model.fallback : null,
    customerNoticeSeconds: scenario.objectives.customerNoticeMinutes !== undefined ? scenario.objectives.customerNoticeMinutes * 60 : null,
    firstPageSeconds: scenario.objectives.firstPageMinutes !== undefined ? scenario.objectives.firstPageMinutes * 60 : null,
    detectionSeconds: Object.fromEntries(Object.entries(scenario.objectives.detectionMinutes ?? {}).map(([k, v]) => [k, v * 60])),
  };
  const failures: string[] = [];
  const within = (what: string, got: number | null, limit: number | null, unit = 's') => {
    if (limit === null) return;
    if (got === null) failures.push(`${what}: never happened (objective ${limit} ${unit})`);
    else if (got > limit) failures.push(`${what}: ${got} ${unit}, objective ${limit} ${unit}`);
  };
  if (primaryDown && !standbyDown) {
    within('failover to the standby', m.failoverSeconds, rto);
    within('failover to the standby vs the timing model', m.failoverSeconds, objectives.failoverModelSeconds);
  }
  if (primaryDown && standbyDown) {
    within('fallback to the human-agent page', m.fallbackSeconds, rto);
    within('fallback vs the timing model', m.fallbackSeconds, objectives.fallbackModelSeconds);
  }
  within('first customer notice', m.customerNoticeSeconds, objectives.customerNoticeSeconds);
  within('first page', m.firstPageSeconds, objectives.firstPageSeconds);
  for (const [level, limit] of Object.entries(objectives.detectionSeconds)) within(`${level} detection`, m.detectionSeconds[level as 'general'], limit ?? null);
  return { scenario: scenario.name, title: scenario.title, objectives, measured: m, passed: failures.length === 0, failures };
}

const AUDIENCES: [TimelineEntry['audience'], string][] = [
  ['on-call', 'On-call (運維團隊)'],
  ['customer service', 'Customer service (業務部門)'],
  ['management', 'Management (管理層)'],
  ['partners', 'Partners (外部合作夥伴)'],
  ['customers', 'Customers'],
  ['system', 'What the systems did'],
];

function clock(startIso: string, t: number, timeZone: string): string {
  const d = new Date(Date.parse(startIso) + t * 1000);
  const local = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(d);
  const mm = Math.floor(t / 60);
  const ss = String(Math.floor(t % 60)).padStart(2, '0');
  return `${local} (T+${mm}:${ss})`;
}

/** The readable timeline: one section per audience, each entry with its time and the text people got. */
export function timelineMarkdown(
  result: Pick<DrillResult, 'startIso' | 'faultStart' | 'timeline'> & { readonly scenario: { readonly title: string; readonly description: string } },
  report: { readonly passed: boolean; readonly failures: readonly string[]; readonly measured: object },
  timeZone: string,
): string {
  const lines = [`# Tabletop drill: ${result.scenario.title}`, '', result.scenario.description, '', `Simulated start ${result.startIso} (${timeZone}); fault at T+${Math.floor(result.faultStart / 60)} min. ${report.passed ? 'Every objective met.' : `Objectives missed: ${report.failures.join('; ')}.`}`, ''];
  lines.push('| measure | seconds |', '|---|---|');
  for (const [k, v] of Object.entries(report.measured)) {
    if (Array.isArray(v)) continue;
    if (typeof v === 'object' && v !== null) for (const [l, x] of Object.entries(v)) lines.push(`| ${k}.${l} | ${x ?? '—'} |`);
    else lines.push(`| ${k} | ${v ?? '—'} |`);
  }
  for (const [aud, title] of AUDIENCES) {
    const entries = result.timeline.filter((e) => e.audience === aud);
    lines.push('', `## ${title}`, '');
    if (!entries.length) {
      lines.push('Nothing.');
      continue;
    }
    for (const e of entries) {
      lines.push(`- **${clock(result.startIso, e.t, timeZone)}** ${e.level ? `[${e.level}] ` : ''}${e.title}`);
      if (e.text && aud !== 'system') lines.push('', ...e.text.split('\n').map((l) => `  > ${l}`), '');
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface RunOptions {
  readonly scenario: Scenario;
  /** A synthesized assembly folder (with drill.json), or a plan to synthesize. */
  readonly assembly?: DrillAssembly;
  readonly planPath?: string;
  readonly outDir?: string;
}

export interface RunOutcome {
  readonly result: DrillResult;
  readonly report: Report;
  /** A drill-rehearsal scenario's report: the live drill report's shape, judged also on the failover timing model. */
  readonly rehearsal?: RehearsalReport;
  readonly files: string[];
}

export type RehearsalReport = DrillReport & {
  readonly title: string;
  /** What only the rehearsal adds: the failover timing model's worst case the measured RTO must not exceed. */
  readonly rehearsal: { readonly failoverModelSeconds: number | null };
};

/** The live-shape report of a rehearsed drill, also judged on the failover timing model. */
export function rehearsalReport(assembly: DrillAssembly, scenario: Scenario, result: DrillResult): RehearsalReport {
  const r = result.drill?.report;
  if (!r) throw new Error(`the rehearsed drill did not finish within the ${scenario.durationMinutes} simulated minutes: give the scenario a longer durationMinutes`);
  const model = failoverModel(assembly).failover;
  const failures = [...r.failures];
  if (model !== null && r.measured.recoverySeconds !== null && r.measured.recoverySeconds > model) failures.push(`measured RTO ${r.measured.recoverySeconds} s exceeds the failover timing model's worst case ${model} s`);
  return { ...r, title: scenario.title, failures, passed: failures.length === 0, rehearsal: { failoverModelSeconds: model } };
}

export async function runTabletop(opts: RunOptions): Promise<RunOutcome> {
  const assembly = opts.assembly ?? loadAssembly(await synthesizeForDrill(opts.planPath!));
  const moto = await startMotoServer();
  let receivers: WebhookReceivers | undefined;
  try {
    receivers = await WebhookReceivers.start();
    const handlers = await createHandlers(assembly, moto, receivers, DRILL_START_ISO);
    const result = await runEngine({ assembly, scenario: opts.scenario, handlers });
    const report = judge(assembly, opts.scenario, result);
    const rehearsal = opts.scenario.kind === 'drill-rehearsal' ? rehearsalReport(assembly, opts.scenario, result) : undefined;
    const files = opts.outDir ? writeOutputs(opts.outDir, assembly, result, report, rehearsal) : [];
    return { result, report, ...(rehearsal ? { rehearsal } : {}), files };
  } finally {
    await receivers?.stop();
    await moto.stop();
  }
}

export function writeOutputs(dir: string, assembly: DrillAssembly, result: DrillResult, report: Report, rehearsal?: RehearsalReport): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['report.json', JSON.stringify(rehearsal ?? report, null, 2)],
    ...(rehearsal ? ([['drill-report.md', renderReportMarkdown(rehearsal, assembly.sidecar.planName)]] as [string, string][]) : []),
    ['timeline.json', JSON.stringify({ scenario: result.scenario, startIso: result.startIso, faultStart: result.faultStart, faultEnd: result.faultEnd, timeline: result.timeline, series: result.series }, null, 2)],
    ['timeline.md', timelineMarkdown(result, rehearsal ?? report, assembly.sidecar.timeZone)],
    ['timeline.html', renderPicture(result, report)],
  ];
  for (const [name, text] of files) fs.writeFileSync(path.join(dir, name), text);
  return files.map(([n]) => path.join(dir, n));
}

/** Runs a scenario of any kind: an outage (the engine) or a data corruption and restore (drill/restore.ts). */
export async function runAnyTabletop(opts: Omit<RunOptions, 'scenario'> & { readonly scenario: AnyScenario }): Promise<{ readonly report: Report | RestoreReport | RehearsalReport; readonly files: string[] }> {
  const scenario = opts.scenario;
  if (scenario.kind !== 'data-corruption') {
    const out = await runTabletop({ ...opts, scenario: scenario as Scenario });
    return { report: out.rehearsal ?? out.report, files: out.files };
  }
  const assembly = opts.assembly ?? loadAssembly(await synthesizeForDrill(opts.planPath!));
  const moto = await startMotoServer();
  try {
    const { result, report } = await runRestoreDrill(assembly, scenario as RestoreScenario, moto);
    const files: string[] = [];
    if (opts.outDir) {
      fs.mkdirSync(opts.outDir, { recursive: true });
      for (const [name, text] of [
        ['report.json', JSON.stringify(report, null, 2)],
        ['timeline.json', JSON.stringify({ scenario: result.scenario, startIso: result.startIso, faultStart: result.faultStart, timeline: result.timeline }, null, 2)],
        ['timeline.md', timelineMarkdown(result, report, assembly.sidecar.timeZone)],
      ] as const) {
        fs.writeFileSync(path.join(opts.outDir, name), text);
        files.push(path.join(opts.outDir, name));
      }
    }
    return { report, files };
  } finally {
    await moto.stop();
  }
}
