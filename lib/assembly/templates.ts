import * as fs from 'fs';
import * as path from 'path';

/**
 * Reading synthesized templates without aws-cdk-lib: the cost report and the rule pack work on a
 * cloud assembly folder (cdk.out) or on templates in memory, so the CLI can read an existing
 * cdk.out without loading the CDK.
 */

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
}

/** One synthesized stack: its name, region and template. */
export interface StackTemplate {
  readonly stackName: string;
  /** The stack's region, or undefined for an environment-agnostic stack. */
  readonly region: string | undefined;
  readonly template: CfnTemplate;
}

interface ManifestArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly properties?: { templateFile?: string; stackName?: string };
}

/**
 * The stacks of a cloud assembly folder (cdk.out), read from its manifest.json; nested assemblies
 * (stages) are read too. Throws with the folder and the fix when it is not an assembly.
 */
export function readAssembly(dir: string): StackTemplate[] {
  const manifestPath = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestPath)) throw new Error(`${dir} is not a cloud assembly (no manifest.json): run "npx cdk synth" first, or leave out --assembly to synthesize the plan`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { artifacts?: Record<string, ManifestArtifact & { properties?: { directoryName?: string } }> };
  const out: StackTemplate[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      out.push(...readAssembly(path.join(dir, artifact.properties.directoryName)));
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const region = /^aws:\/\/[^/]*\/(.+)$/.exec(artifact.environment ?? '')?.[1];
    out.push({
      stackName: artifact.properties.stackName ?? id,
      region: region && region !== 'unknown-region' ? region : undefined,
      template: JSON.parse(fs.readFileSync(path.join(dir, artifact.properties.templateFile), 'utf8')) as CfnTemplate,
    });
  }
  return out;
}

/** Resources of a template of one type, with their logical ids. */
export function resourcesOfType(template: CfnTemplate, type: string): [string, Record<string, unknown>][] {
  return Object.entries(template.Resources ?? {})
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}

/** The logical id a `{Ref}` or `{Fn::GetAtt}` points at, if the value is one. */
export function referencedId(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown };
  if (typeof v.Ref === 'string') return v.Ref;
  const att = v['Fn::GetAtt'];
  if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
  if (typeof att === 'string') return att.split('.')[0];
  return undefined;
}

/** Every logical id referenced anywhere inside a value (Ref, GetAtt, and `${X}` in Fn::Sub). */
export function referencedIds(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedIds(v, into);
  } else if (value && typeof value === 'object') {
    const id = referencedId(value);
    if (id) into.add(id);
    const sub = (value as Record<string, unknown>)['Fn::Sub'];
    const subText = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
    if (subText) for (const m of subText.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)) into.add(m[1]);
    for (const v of Object.values(value as Record<string, unknown>)) referencedIds(v, into);
  }
  return into;
}

/** Tag value from a CloudFormation `Tags` list (or a `{key: value}` map), if present. */
export function tagValue(tags: unknown, key: string): string | undefined {
  if (Array.isArray(tags)) {
    const t = tags.find((x) => (x as { Key?: unknown }).Key === key) as { Value?: unknown } | undefined;
    return typeof t?.Value === 'string' ? t.Value : undefined;
  }
  if (tags && typeof tags === 'object') {
    const v = (tags as Record<string, unknown>)[key];
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

/**
 * How many times a schedule expression fires in an average month (730 hours, as AWS prices a
 * month). `rate(N unit)` and six-field `cron(min hour dom month dow year)` with numbers, lists,
 * ranges, steps, `*` and `?`; undefined for what it cannot count (say so rather than guess).
 */
export function runsPerMonth(expression: string): number | undefined {
  const HOURS = 730;
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    if (n === 0) return 0;
    const perHour = rate[2].startsWith('minute') ? 60 / n : rate[2].startsWith('hour') ? 1 / n : 1 / (24 * n);
    return perHour * HOURS;
  }
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron) return undefined;
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) return undefined;
  const [min, hour, dom, month, dow] = fields;
  const count = (field: string, size: number): number | undefined => {
    if (field === '*' || field === '?') return size;
    let total = 0;
    for (const part of field.split(',')) {
      const m = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
      if (!m) return undefined;
      const from = m[1] === '*' ? 0 : Number(m[1]);
      const to = m[2] !== undefined ? Number(m[2]) : m[1] === '*' || m[3] ? size - 1 : from;
      const step = m[3] ? Number(m[3]) : 1;
      total += Math.floor((to - from) / step) + 1;
    }
    return total;
  };
  const perDay = (count(min, 60) ?? NaN) * (count(hour, 24) ?? NaN);
  const monthsPerYear = count(month, 12);
  const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
  const dowNumeric = dow.toUpperCase().replace(/[A-Z]{3}/g, (d) => String(DAYS.indexOf(d) + 1));
  const anyDay = dow === '?' || dow === '*';
  const dowCount = anyDay ? undefined : count(dowNumeric, 7);
  if (!anyDay && dowCount === undefined) return undefined;
  let daysPerMonth: number;
  if (dom !== '?' && dom !== '*') {
    const d = count(dom, 31);
    if (d === undefined) return undefined;
    daysPerMonth = d;
  } else if (dowCount !== undefined) {
    daysPerMonth = (dowCount * HOURS) / (24 * 7);
  } else {
    daysPerMonth = HOURS / 24;
  }
  const result = perDay * daysPerMonth * ((monthsPerYear ?? NaN) / 12);
  return Number.isFinite(result) ? result : undefined;
}
