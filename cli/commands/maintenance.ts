import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { Option } from 'commander';
import { AwsOptions, CliError, clientConfig, Io, loadPlanOption, UsageError, withAws, withExecute } from '../common';
import { PHYSICAL_NAMES } from '../../contracts';
import { RESPONSE_LEVELS, ResponseLevel } from '../../contracts/levels';
import { MAINTENANCE_COMPONENTS, MAINTENANCE_ID, MAINTENANCE_SCOPES, MaintenanceComponent, MaintenanceScope, MaintenanceWindow, mergeWindows, zonedToUtc } from '../../contracts/maintenance';
import { parseLanguageTexts } from '../../lib/config/languages';

/**
 * `contingency maintenance add|list|cancel` (issue 15): scheduled maintenance beyond the plan's
 * `maintenance:` list. A window is an item in the incident table that the publisher reads every
 * minute: it is shown on the status page and in the feed at once, and while it runs the response
 * composites it names do not page. add/cancel are dry runs (they print the item) unless --execute.
 */
export interface MaintenanceOptions extends AwsOptions {
  readonly table?: string;
  readonly id?: string;
  readonly start?: string;
  readonly end?: string;
  readonly timeZone?: string;
  readonly title?: string[];
  readonly message?: string[];
  readonly levels?: string;
  readonly regions?: string;
  readonly components?: string;
  readonly execute?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const list = (raw: string | undefined, allowed: readonly string[], name: string, errors: string[]): string[] | undefined => {
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = items.filter((x) => !allowed.includes(x));
  if (bad.length || !items.length) errors.push(`--${name} must be a comma-separated list of ${allowed.join(', ')}, got "${raw}"`);
  return [...new Set(items)];
};

/** Builds the window `add` writes; throws one UsageError naming every bad option. */
export function buildWindow(o: MaintenanceOptions, plan: { languages: readonly string[]; timeZone: string }, now: Date): MaintenanceWindow {
  const errors: string[] = [];
  if (!o.id || !MAINTENANCE_ID.test(o.id)) errors.push(`--id must be 1-40 lower-case letters, digits or hyphens, e.g. db-upgrade-2026-12, got "${o.id ?? ''}"`);
  const timeZone = o.timeZone ?? plan.timeZone;
  const start = o.start ? zonedToUtc(o.start, timeZone) : undefined;
  const end = o.end ? zonedToUtc(o.end, timeZone) : undefined;
  if (!start) errors.push(`--start must be a time such as 2026-12-20T02:00 (in ${timeZone}; --time-zone to change) or 2026-12-20T02:00:00+08:00, got "${o.start ?? ''}"`);
  if (!end) errors.push(`--end must be a time such as 2026-12-20T04:00 (in ${timeZone}) or 2026-12-20T04:00:00+08:00, got "${o.end ?? ''}"`);
  if (start && end && Date.parse(end) <= Date.parse(start)) errors.push(`--end must be after --start (${start}), got ${end}`);
  if (start && end && Date.parse(end) - Date.parse(start) > 7 * 86400_000) errors.push(`a window lasts at most 7 days (alarms stay muted all along), got ${start} → ${end}; add several windows`);
  if (end && Date.parse(end) <= now.getTime()) errors.push(`--end must be in the future, got ${end}`);
  const title = parseLanguageTexts(o.title ?? [], plan.languages, true);
  errors.push(...title.errors.map((e) => e.replace(/--text/g, '--title')));
  const message = parseLanguageTexts(o.message ?? [], plan.languages, false);
  errors.push(...message.errors.map((e) => e.replace(/--text/g, '--message')));
  const levels = list(o.levels, RESPONSE_LEVELS, 'levels', errors) as ResponseLevel[] | undefined;
  const scopes = list(o.regions, MAINTENANCE_SCOPES, 'regions', errors) as MaintenanceScope[] | undefined;
  const components = list(o.components, MAINTENANCE_COMPONENTS, 'components', errors) as MaintenanceComponent[] | undefined;
  if (errors.length) throw new UsageError(errors.join('; '));
  return {
    id: o.id!,
    start: start!,
    end: end!,
    timeZone,
    title: title.texts!,
    ...(message.texts ? { message: message.texts } : {}),
    levels: levels ?? [...RESPONSE_LEVELS],
    scopes: scopes ?? [...MAINTENANCE_SCOPES],
    components: components ?? ['chatbot'],
    source: 'cli',
    announcedAt: now.toISOString(),
  };
}

export function register(program: Command, io: Io): void {
  const m = program.command('maintenance').description('announce, list or cancel scheduled maintenance (status page, feed, muted alarms)');
  const common = (cmd: Command) => withAws(cmd, 'region of the incident table (default us-east-1)').addOption(new Option('--table <name>', 'incident table (default: <plan>-incidents)'));
  const act = (action: 'add' | 'list' | 'cancel') => async (opts: MaintenanceOptions) => io.out(await runMaintenance(action, opts));
  withExecute(
    common(m.command('add').description('announce a maintenance window: shown at once, named alarms muted while it runs'))
      .addOption(new Option('--id <id>', 'window id: lower-case letters, digits, hyphens'))
      .addOption(new Option('--start <time>', 'start: 2026-12-20T02:00 (in --time-zone) or an ISO time with offset'))
      .addOption(new Option('--end <time>', 'end, as --start'))
      .addOption(new Option('--time-zone <zone>', "IANA time zone of --start/--end (default: the plan's)"))
      .addOption(new Option('--title <language=text>', 'title in one plan language; once per language').argParser(collect))
      .addOption(new Option('--message <language=text>', 'what customers should expect, in one plan language; once per language').argParser(collect))
      .addOption(new Option('--levels <list>', `response levels muted (default all): ${RESPONSE_LEVELS.join(',')}`))
      .addOption(new Option('--regions <list>', `where alarms are muted (default all): ${MAINTENANCE_SCOPES.join(',')}`))
      .addOption(new Option('--components <list>', `components shown under maintenance (default chatbot): ${MAINTENANCE_COMPONENTS.join(',')}`)),
    'write the window to the incident table',
  ).action(act('add'));
  common(m.command('list').description('list the windows in force: the plan\'s and those added here (reads only)')).action(act('list'));
  withExecute(common(m.command('cancel').description('cancel a window (the plan\'s or an added one): off the page, alarms page again')).addOption(new Option('--id <id>', 'window id')), 'cancel the window').action(
    act('cancel'),
  );
  for (const c of m.commands) c.exitOverride();
  m.exitOverride();
}

/** Runs one action; returns what it prints. */
export async function runMaintenance(action: 'add' | 'list' | 'cancel', o: MaintenanceOptions, makeDdb?: (region: string) => DynamoDBClient, now: Date = new Date()): Promise<string> {
  const { plan } = loadPlanOption(o);
  const table = o.table ?? PHYSICAL_NAMES.incidentTable(plan.name);
  const window = action === 'add' ? buildWindow(o, plan, now) : undefined;
  if (action === 'cancel' && (!o.id || !MAINTENANCE_ID.test(o.id))) throw new UsageError(`--id must name the window to cancel (lower-case letters, digits, hyphens), got "${o.id ?? ''}"`);
  if (window && !o.execute) {
    return [`would add to ${table}: ${JSON.stringify(window)}`, 'dry run: nothing changed; add --execute to apply'].join('\n');
  }
  const region = o.region ?? 'us-east-1';
  const { DynamoDBClient: Ddb } = require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
  const ddb = makeDdb ? makeDdb(region) : new Ddb(clientConfig(region, o));
  const { IncidentStore } = require('../../lambdas/incidents/store') as typeof import('../../lambdas/incidents/store');
  const store = new IncidentStore(ddb, table, plan.incidents.retentionDays);
  if (window) {
    if (!(await store.putMaintenance(window, 'add'))) throw new CliError(`a window "${window.id}" is already in ${table}: choose another --id, or cancel that one first`);
    return [`added ${window.id}: ${window.start} → ${window.end} (UTC); muted ${window.levels.join(', ')} in ${window.scopes.join(', ')}`, 'the status page and feed show it within a minute (the publisher runs every minute)'].join('\n');
  }
  const stored = await store.loadMaintenance();
  if (action === 'list') {
    const nowIso = now.toISOString();
    const inForce = mergeWindows(plan.maintenance, stored).filter((w) => Date.parse(w.end) > now.getTime());
    if (!inForce.length) return 'no maintenance window ahead or running';
    return inForce
      .map((w) => `${w.id} [${w.source}] ${w.start} → ${w.end} (UTC)${Date.parse(w.start) <= Date.parse(nowIso) ? ' RUNNING' : ''} · levels ${w.levels.join(',')} · regions ${w.scopes.join(',')} · ${w.title[plan.languages[0]]}`)
      .join('\n');
  }
  const existing = mergeWindows(plan.maintenance, stored).find((w) => w.id === o.id);
  if (!existing) throw new CliError(`no window "${o.id}" in force (plan or ${table}): see contingency maintenance list`);
  const cancelled: MaintenanceWindow = { ...existing, source: 'cli', cancelledAt: now.toISOString() };
  if (!o.execute) return [`would cancel ${existing.id} (${existing.source}) in ${table}: ${JSON.stringify(cancelled)}`, 'dry run: nothing changed; add --execute to apply'].join('\n');
  await store.putMaintenance(cancelled, 'replace');
  return `cancelled ${existing.id}: off the status page within a minute; its alarms page again`;
}
