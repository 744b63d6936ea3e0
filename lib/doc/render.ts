import { LEVEL_LABELS, RESPONSE_LEVELS, WARNING_LEVELS, WarningLevel } from '../../contracts';
import type { Texts } from '../../contracts/languages';
import { ALARM_FAMILIES, AlarmRecord } from '../alerting/registry';
import { AUDIENCE_KEYS, ORG_UNITS, RISK_CATEGORIES } from '../config/schema';
import { Block, h, markdownTable, p, table, ul } from './blocks';
import { costBlocks } from './cost-section';
import type { DocModel } from './model';
import type { PlanRecord } from './record';
import { DocWords, docWords } from './words';

/** Rows of the indicator × level table: one per (family, alarm title), cells the condition at each level, from the registry. */
export function indicatorRows(alarms: readonly AlarmRecord[], family: (f: string) => string = (f) => f): string[][] {
  const routed = alarms.filter((a) => a.route === 'level' && a.family !== 'response level' && a.level);
  const rows = new Map<string, { family: string; title: string; cells: Record<WarningLevel, Set<string>>; regions: Set<string> }>();
  for (const a of routed) {
    const key = `${a.family}\u0000${a.title}`;
    if (!rows.has(key)) rows.set(key, { family: a.family, title: a.title, cells: { general: new Set(), important: new Set(), emergency: new Set() }, regions: new Set() });
    const row = rows.get(key)!;
    row.cells[a.level!].add(a.condition);
    row.regions.add(a.region);
  }
  const rank = (f: string) => ALARM_FAMILIES.indexOf(f as (typeof ALARM_FAMILIES)[number]);
  return [...rows.values()]
    .sort((a, b) => rank(a.family) - rank(b.family))
    .map((r) => [family(r.family), r.title, ...WARNING_LEVELS.map((l) => [...r.cells[l]].join('; ') || '—'), [...r.regions].join(', ')]);
}

/** Channels an audience is reached on ("e-mail×1, SMS×1, slack"). */
function channelsOf(a: PlanRecord['audiences'][keyof PlanRecord['audiences']]): string {
  if (!a) return '';
  return [...(a.email.length ? [`e-mail×${a.email.length}`] : []), ...(a.sms.length ? [`SMS×${a.sms.length}`] : []), ...a.webhooks.map((w) => w.kind)].join(', ');
}

/** The channels each warning level reaches, per audience. */
export function levelChannels(plan: PlanRecord, level: WarningLevel): string[] {
  return AUDIENCE_KEYS.flatMap((name) => {
    const a = plan.audiences[name];
    return a && a.levels.includes(level) && channelsOf(a) ? [`${name}: ${channelsOf(a)}`] : [];
  });
}

/**
 * The README table "indicator × level → condition → channels" (English), generated from the alarm
 * registry of the synthesized example plan and its audiences; then the alarms of the alerting path.
 */
export function readmeAlertTable(model: Pick<DocModel, 'alarms' | 'plan'>): string {
  const head = ['family', 'alarm', ...WARNING_LEVELS.map((l) => `${LEVEL_LABELS[l].zh} ${l}`), 'regions'];
  const rows = indicatorRows(model.alarms);
  rows.push(['**channels**', '', ...WARNING_LEVELS.map((l) => levelChannels(model.plan, l).join('<br>') || '—'), '']);
  const direct = directRows(model.alarms);
  return `${markdownTable(head, rows)}\n\nSent to the ops on-call by e-mail/SMS directly (bypassing the notifier):\n\n${markdownTable(['alarm', 'when', 'regions'], direct)}`;
}

function directRows(alarms: readonly AlarmRecord[]): string[][] {
  const rows = new Map<string, { condition: Set<string>; regions: Set<string> }>();
  for (const a of alarms.filter((x) => x.route === 'ops-direct')) {
    if (!rows.has(a.title)) rows.set(a.title, { condition: new Set(), regions: new Set() });
    rows.get(a.title)!.condition.add(a.condition);
    rows.get(a.title)!.regions.add(a.region);
  }
  return [...rows.entries()].map(([title, r]) => [title, [...r.condition].join('; '), [...r.regions].join(', ')]);
}

const fill = (text: string, values: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (m, k: string) => (values[k] !== undefined ? String(values[k]) : m));

/** The plan document in one language, as blocks (written out as Markdown and HTML). */
export function documentBlocks(model: DocModel, lang: string): Block[] {
  const { plan, alarms } = model;
  const w: DocWords = docWords(lang).words;
  const T = (t: Texts | undefined) => (t ? (t[lang] ?? Object.values(t)[0] ?? '') : '');
  const pw = plan.words[lang] as Record<string, string>;
  const level = (l: WarningLevel) => pw[`warning.${l}`];
  const fam = (f: string) => (w as Record<string, string>)[`fam.${f}`] ?? f;
  const out: Block[] = [];
  const title = plan.title ? T(plan.title) : w.docTitle;
  out.push(h(1, title));
  out.push(p(`${w.planName}: ${plan.name} · ${w.generated}`));

  // 1 Overview and scope
  out.push(h(2, w.ch1, 'ch1'), h(3, w.scope), p(w.scopeText), h(3, w.objectives));
  const o = plan.objectives;
  out.push(
    table(
      [w.measure, w.objective],
      [
        [w.availability, `${o.availabilityPercent}%`],
        [w.rto, `${o.rtoMinutes} ${w.minutes}`],
        [w.rpo, `${o.rpoMinutes} ${w.minutes}`],
        [w.latency, `${o.latencyP99Ms} ms`],
      ],
    ),
    table(
      [w.deployment, w.value],
      [
        [w.primaryRegion, plan.regions.primary],
        [w.standbyRegion, plan.regions.standby],
        [w.publicName, plan.dnsName],
      ],
    ),
  );
  out.push(h(3, w.failureModes));
  const families = new Map<string, AlarmRecord[]>();
  for (const f of ALARM_FAMILIES) {
    const list = alarms.filter((x) => x.route !== 'composite-input' && x.family === f);
    if (list.length) families.set(f, list);
  }
  out.push(
    table(
      [w.family, w.alarms, w.levels, w.where],
      [...families.entries()].map(([f, list]) => [
        fam(f),
        [...new Set(list.map((a) => a.title))].join('\n'),
        [...new Set(list.map((a) => (a.level ? level(a.level) : w.direct)))].join(', '),
        [...new Set(list.map((a) => a.region))].join(', '),
      ]),
    ),
  );

  // 2 Organisation
  out.push(h(2, w.ch2, 'ch2'), h(3, w.units));
  const units = ORG_UNITS.filter((u) => plan.organisation[u]);
  if (units.some((u) => plan.organisation[u]!.builtIn)) out.push(p(w.builtInOrg));
  const unitName = (u: string) => (w as Record<string, string>)[`unit.${u}`] ?? u;
  out.push(
    table(
      [w.unit, w.members, w.contacts, w.duties, w.owns],
      units.map((u) => {
        const x = plan.organisation[u]!;
        return [unitName(u), T(x.members), x.contacts.join('\n') || '—', x.duties.map((d, i) => `(${i + 1}) ${T(d)}`).join('\n'), x.audiences.join(', ') || '—'];
      }),
    ),
  );
  out.push(h(3, w.audiencesTitle));
  out.push(
    table(
      [w.audience, w.description, w.levels, w.channels, w.owner],
      AUDIENCE_KEYS.filter((a) => plan.audiences[a]).map((a) => {
        const x = plan.audiences[a]!;
        return [a, x.description ?? '', x.levels.map(level).join(', '), channelsOf(x) || '—', units.filter((u) => plan.organisation[u]!.audiences.includes(a)).map(unitName).join(', ')];
      }),
    ),
  );

  // 3 Risks
  out.push(h(2, w.ch3, 'ch3'), h(3, w.register));
  const risks = [...plan.risks.register].sort((a, b) => b.priority - a.priority);
  if (!risks.length) out.push(p(w.noRisks));
  else {
    out.push(p(fill(w.detectionLine, { n: plan.risks.detectionRequiredFrom })));
    const detection = (key: string) => {
      const found = alarms.filter((a) => a.indicator === key && a.route !== 'composite-input');
      if (!found.length) return `${key} (${w.notDeployed})`;
      const lv = [...new Set(found.map((a) => (a.level ? level(a.level) : w.direct)))].join('/');
      return `${key} (${found.length} × ${lv})`;
    };
    out.push(
      table(
        [w.risk, w.category, w.likelihood, w.impact, w.priority, w.detectedBy, w.controls],
        risks.map((r) => [
          `${r.id}: ${T(r.title)}`,
          (w as Record<string, string>)[`cat.${r.category}`] ?? r.category,
          String(r.likelihood),
          String(r.impact),
          String(r.priority),
          r.detectedBy.map(detection).join('\n') || '—',
          r.controls.map(T).join('\n') || '—',
        ]),
      ),
    );
    out.push(h(3, w.matrix));
    const rows: string[][] = [];
    for (let impact = 5; impact >= 1; impact--) {
      rows.push([
        `${w.impact} ${impact}`,
        ...[1, 2, 3, 4, 5].map((likelihood) =>
          risks
            .filter((r) => r.likelihood === likelihood && r.impact === impact)
            .map((r) => r.id)
            .join(', '),
        ),
      ]);
    }
    out.push(table([`${w.impact} \\ ${w.likelihood}`, '1', '2', '3', '4', '5'], rows, 'matrix'));
    out.push(ul(RISK_CATEGORIES.map((c) => `${(w as Record<string, string>)[`cat.${c}`]}: ${risks.filter((r) => r.category === c).map((r) => r.id).join(', ') || '—'}`)));
  }
  out.push(h(3, w.prevention), p(fill(w.preventionText, { rollout: plan.rollout })));

  // 4 Monitoring and warning
  out.push(h(2, w.ch4, 'ch4'), h(3, w.indicatorsTitle), p(w.indicatorsText));
  out.push(table([w.family, w.alarm, ...WARNING_LEVELS.map(level), w.where], indicatorRows(alarms, fam)));
  out.push(h(3, w.releaseTitle));
  out.push(table([w.level, w.channels], WARNING_LEVELS.map((l) => [level(l), levelChannels(plan, l).join('\n') || '—'])));
  out.push(p(w.messageContent), ul([pw['alert.level'], pw['alert.cause'], pw['alert.measures'], pw['alert.time'], `${pw['alert.contacts']}: ${plan.alerting.contacts.join('; ')}`]));
  out.push(p(fill(w.repeat, { n: plan.alerting.emergencyRepeatMinutes })));
  out.push(p(w.directTitle), table([w.alarm, w.condition, w.where], directRows(alarms)));

  // 5 Response
  out.push(h(2, w.ch5, 'ch5'), h(3, w.responseLevels));
  const responses = alarms.filter((a) => a.family === 'response level');
  out.push(
    table(
      [w.responseLevel, w.condition, w.where, w.declaredAt],
      RESPONSE_LEVELS.slice()
        .reverse()
        .flatMap((r) => responses.filter((a) => a.indicator === `response-${r}`).map((a) => [pw[`response.${r}`], a.condition, a.region, a.level ? level(a.level) : ''])),
    ),
  );
  out.push(h(3, w.procedure), ul(fill(w.procedureSteps, { n: plan.incidents.confirmationMinutes }).split('|')));
  out.push(h(3, w.resources));
  const rto = plan.objectives.rtoMinutes * 60;
  out.push(
    table(
      [w.hop, w.hopSeconds, w.cumulative, w.inputs, w.result],
      model.failover.map((hop) => [
        `${hop.from} → ${hop.to} (${hop.recordName})`,
        String(hop.hopSeconds),
        String(hop.cumulativeSeconds),
        `${hop.inputs.requestIntervalSeconds} s × ${hop.inputs.failureThreshold} + TTL ${hop.inputs.dnsTtlSeconds} s`,
        `${Math.max(hop.hopSeconds, hop.cumulativeSeconds) <= rto ? w.withinRto : w.overRto} (${rto} s)`,
      ]),
    ),
  );

  out.push(...costBlocks(model.cost, w, fill));

  // 6 Technical support and recovery
  out.push(h(2, w.ch6, 'ch6'), h(3, w.backupTitle));
  out.push(
    table(
      [w.region, w.backupSchedule, w.retention, w.copyTo, w.pitr, w.vaultLock, w.restoreSchedule, w.validationWindow],
      model.backups.map((b) => [
        b.region,
        b.schedules.join('\n'),
        b.retentionDays.join(', '),
        b.copyTo.join(', ') || '—',
        b.pitr.enabled ? `${w.enabled}${b.pitr.days ? ` (${b.pitr.days} d)` : ''}` : w.disabled,
        b.vaultLock ? `${b.vaultLock.min ?? '—'} / ${b.vaultLock.max ?? '—'}` : '—',
        b.restoreSchedules.join('\n') || '—',
        b.validationWindowHours.join(', ') || '—',
      ]),
    ),
  );
  out.push(p(`${w.rpo}: ${plan.objectives.rpoMinutes} ${w.minutes}; ${w.pitr}: ${model.backups.every((b) => b.pitr.enabled) ? w.enabled : w.disabled}`));
  out.push(h(3, `${w.restoreTests}: ${w.measuredTitle}`));
  const ev = model.evidence;
  if (!ev || !ev.restores.length) out.push(p(w.noEvidence));
  else {
    out.push(
      table(
        [w.restoreTests, w.objective, w.measured, w.restoreValidation, w.result],
        ev.restores.map((r) => {
          const ok = r.status === 'COMPLETED' && (r.validation === undefined || r.validation === 'SUCCESSFUL') && r.seconds !== null && r.seconds <= rto;
          return [`${r.jobId} (${r.file})`, `${w.restoreDuration} ≤ ${rto} s`, r.seconds === null ? '—' : `${r.seconds} s`, `${r.status}${r.validation ? ` / ${r.validation}` : ''}`, ok ? w.pass : w.fail];
        }),
      ),
    );
  }

  // 7 Customer service
  out.push(h(2, w.ch7, 'ch7'), h(3, w.handoffTitle));
  out.push(
    table(
      [w.measure, w.value],
      [
        [w.team, T(plan.handoff.teamName)],
        [w.phone, plan.handoff.phone],
        [w.chat, plan.handoff.chatUrl ?? '—'],
        [w.email, plan.handoff.email ?? '—'],
        [w.hours, T(plan.handoff.hours)],
        [w.fallbackNotice, plan.fallbackNotice ? T(plan.fallbackNotice) : '—'],
      ],
    ),
  );

  // 8 Information release
  out.push(h(2, w.ch8, 'ch8'), h(3, w.statusTitle), p(`${w.statusAt}: https://${plan.statusName} (${T(plan.incidents.statusTitle)})`));
  out.push(h(3, w.templatesTitle));
  out.push(
    table(
      [w.responseLevel, w.title, w.message],
      [
        ...RESPONSE_LEVELS.slice()
          .reverse()
          .map((r) => [pw[`response.${r}`], T(plan.incidents.templates[r].title), T(plan.incidents.templates[r].message)]),
        [w.recovering, '', T(plan.incidents.recoveringMessage)],
        [w.resolved, '', T(plan.incidents.resolvedMessage)],
      ],
    ),
  );

  // 9 Training and drills
  out.push(h(2, w.ch9, 'ch9'), h(3, w.trainingTitle), p(w.trainingText), ul(units.map((u) => `${unitName(u)}: ${T(plan.organisation[u]!.members)}`)));
  out.push(h(3, w.drillsTitle), p(w.drillsText), h(3, `${w.drill}: ${w.measuredTitle}`));
  if (!ev || !ev.drills.length) out.push(p(w.noEvidence));
  else {
    out.push(
      table(
        [w.drill, w.kind, w.objective, w.recovery, w.failover, w.detection, w.result],
        ev.drills.map((d) => [
          `${d.scenario} (${d.file})`,
          d.kind === 'live' ? w.live : w.tabletop,
          `RTO ≤ ${d.rtoSeconds} s`,
          d.recoverySeconds === null ? '—' : `${d.recoverySeconds} s`,
          d.failoverSeconds === null ? '—' : `${d.failoverSeconds} s`,
          (['emergency', 'important', 'general'] as const)
            .filter((l) => d.detectionSeconds[l] !== undefined && d.detectionSeconds[l] !== null)
            .map((l) => `${level(l)} ${d.detectionSeconds[l]} s`)
            .join('\n') || '—',
          `${d.passed && d.recoverySeconds !== null && d.recoverySeconds <= d.rtoSeconds ? w.pass : w.fail}${d.failures.length ? `: ${d.failures.join('; ')}` : ''}`,
        ]),
      ),
    );
  }

  // 10 Recovery and review
  out.push(h(2, w.ch10, 'ch10'), h(3, w.recoveryTitle), p(w.recoveryText), h(3, w.reviewTitle));
  out.push(p(fill(w.reviewText, { days: plan.incidents.retentionDays, lookback: plan.incidents.lookbackDays })));
  return out;
}
