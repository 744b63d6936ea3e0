import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { Plan, planSchema } from './schema';
import { PLAN_RULES, runRules } from './rules';
import { formatPath, PlanIssue, PlanValidationError } from './errors';
import { didYouMean } from './checks';
import { planJsonSchema } from './json-schema';
import { entryProblems } from './entry';
import { migrateLegacyChinese } from './languages';
import { PACKAGE_ROOT } from '../package-root';

/** The complete example plan used when no `-c plan=PATH` is given. */
export const EXAMPLE_PLAN_PATH = path.join(PACKAGE_ROOT, 'plans', 'example.yaml');

/** A validated plan together with where it came from (relative paths in it resolve against `dir`). */
export interface LoadedPlan {
  readonly plan: Plan;
  readonly source: string;
  readonly dir: string;
  /** Deprecations found while reading (e.g. the old `zh` text key); the CLI prints them. */
  readonly warnings?: readonly string[];
}

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  additionalProperties?: SchemaNode | boolean;
  propertyNames?: { enum?: string[] };
}

let jsonSchema: SchemaNode | undefined;

/** The keys the schema allows in the object at `at` (for a did-you-mean on an unknown key). */
function allowedKeys(at: ReadonlyArray<PropertyKey>): string[] {
  jsonSchema ??= planJsonSchema() as SchemaNode;
  let nodes: SchemaNode[] = [jsonSchema];
  for (const key of at) {
    const next: SchemaNode[] = [];
    for (const n of nodes.flatMap((x) => [x, ...(x.anyOf ?? [])])) {
      if (typeof key === 'number' && n.items) next.push(n.items);
      else if (n.properties?.[String(key)]) next.push(n.properties[String(key)]);
      else if (typeof n.additionalProperties === 'object') next.push(n.additionalProperties);
    }
    nodes = next;
  }
  return [...new Set(nodes.flatMap((x) => [x, ...(x.anyOf ?? [])]).flatMap((n) => [...Object.keys(n.properties ?? {}), ...(n.propertyNames?.enum ?? [])]))];
}

/** The values a failed union or enum would have accepted, from its branches' issues. */
function acceptedValues(issue: z.core.$ZodIssue): unknown[] {
  if (issue.code === 'invalid_value') return [...issue.values];
  if (issue.code === 'invalid_union') return issue.errors.flatMap((branch) => branch.flatMap((i) => (i.path.length === 0 ? acceptedValues(i) : [])));
  return [];
}

interface RawIssue extends PlanIssue {
  /** The path as keys and indexes. */
  readonly at: PropertyKey[];
  /** Keys to delete from the object at `at` (unknown keys). */
  readonly unknownKeys?: string[];
  /** Paths a did-you-mean points at: the value the user meant to set there is unknown. */
  readonly meant?: string[];
}

function zodIssues(error: z.ZodError): RawIssue[] {
  return error.issues.map((issue): RawIssue => {
    const at = [...issue.path];
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(at);
      const meant: string[] = [];
      const parts = issue.keys.map((k) => {
        const near = didYouMean(k, allowed);
        if (near) meant.push(formatPath([...at, near]));
        return near ? `"${k}" (did you mean "${near}"?)` : `"${k}"`;
      });
      message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${parts.join(', ')}; allowed here: ${allowed.join(', ')} (see plans/plan.schema.json)`;
      return { path: formatPath(at), at, message, unknownKeys: [...issue.keys], meant };
    }
    if (issue.code === 'invalid_key') {
      const allowed = issue.issues.flatMap((i) => acceptedValues(i)).map(String);
      const key = String(at[at.length - 1]);
      const near = didYouMean(key, allowed);
      message = `unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ''}; allowed here: ${allowed.join(', ')}`;
    } else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
      message = `is required (${issue.message.replace(/^Invalid input: /, '')})`;
    } else if (issue.code === 'invalid_union' && message === 'Invalid input') {
      const values = acceptedValues(issue);
      message = values.length ? `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}` : 'matches none of the allowed forms; see plans/plan.schema.json';
    }
    return { path: formatPath(at), at, message };
  });
}

let examplePlan: unknown;

/** The example plan as written: its values stand in for invalid ones so the cross-field rules can run. */
function exampleInput(): unknown {
  examplePlan ??= parseYaml(fs.readFileSync(EXAMPLE_PLAN_PATH, 'utf8'));
  return examplePlan;
}

function isContainer(v: unknown): v is Record<PropertyKey, unknown> {
  return v !== null && typeof v === 'object';
}

/** The example's value at a path (an index past the end of an example list reads its first entry). */
function exampleAt(at: readonly PropertyKey[]): { found: boolean; value?: unknown } {
  let node: unknown = exampleInput();
  for (const key of at) {
    if (Array.isArray(node) && typeof key === 'number') node = node.length ? node[key < node.length ? key : 0] : undefined;
    else if (isContainer(node) && Object.prototype.hasOwnProperty.call(node, key)) node = node[key as string];
    else return { found: false };
    if (node === undefined) return { found: false };
  }
  return { found: true, value: structuredClone(node) };
}

/** Replaces (or removes) the value at a path of a plain object tree; false when the path does not exist. */
function replaceAt(root: { value: unknown }, at: readonly PropertyKey[], replacement: { found: boolean; value?: unknown }): void {
  if (at.length === 0) {
    root.value = replacement.found ? replacement.value : {};
    return;
  }
  let node: unknown = root.value;
  for (const key of at.slice(0, -1)) {
    if (!isContainer(node)) return;
    node = node[key as string];
  }
  if (!isContainer(node)) return;
  const last = at[at.length - 1] as string;
  if (replacement.found) node[last] = replacement.value;
  else if (Array.isArray(node)) node[last as unknown as number] = undefined;
  else delete node[last];
}

/**
 * The cross-field problems of a plan that failed the schema. Each invalid value is replaced by the
 * example plan's value at that path (or removed so its default applies) until the plan parses; the
 * rules then run on it, and a rule that read any replaced value is skipped, so every reported
 * problem is about what the user wrote.
 */
function crossFieldIssuesDespite(raw: unknown, first: RawIssue[]): PlanIssue[] {
  const root = { value: structuredClone(raw) };
  const untrusted: string[] = [];
  const depth = new Map<string, number>();
  let issues = first;
  for (let round = 0; round < 8; round++) {
    for (const issue of issues) {
      if (issue.unknownKeys) {
        const obj = issue.at.reduce<unknown>((n, k) => (isContainer(n) ? n[k as string] : undefined), root.value);
        if (isContainer(obj)) for (const k of issue.unknownKeys) delete obj[k];
        untrusted.push(...(issue.meant ?? []));
        continue;
      }
      // A path that is still invalid after its replacement is replaced one level up.
      const seen = depth.get(issue.path) ?? 0;
      depth.set(issue.path, seen + 1);
      const at = issue.at.slice(0, Math.max(0, issue.at.length - seen));
      replaceAt(root, at, exampleAt(at));
      untrusted.push(formatPath(at));
    }
    const result = planSchema.safeParse(root.value);
    if (result.success) return runRules(result.data, PLAN_RULES, untrusted);
    issues = zodIssues(result.error);
  }
  return [];
}

/**
 * Validates a plan object in two phases, the schema (types, ranges, formats, unknown keys) and the
 * cross-field rules, and throws one PlanValidationError listing every problem of both: schema
 * errors do not hide cross-field ones. `dir` resolves `chatbot.entry`.
 */
export function parsePlan(original: unknown, source = '<inline plan>', dir = process.cwd(), warnings?: string[]): Plan {
  // Old plans wrote Chinese texts under `zh`: read as zh-Hant, with a deprecation warning.
  const migrated = migrateLegacyChinese(original);
  warnings?.push(...migrated.warnings);
  const input = migrated.input;
  const result = planSchema.safeParse(input);
  const issues: PlanIssue[] = [];
  if (result.success) {
    issues.push(...runRules(result.data));
  } else {
    const schemaIssues = zodIssues(result.error);
    issues.push(...schemaIssues.map(({ path: p, message }) => ({ path: p, message })));
    issues.push(...crossFieldIssuesDespite(input, schemaIssues));
  }
  const entry = (input as { chatbot?: { entry?: unknown } } | null)?.chatbot?.entry;
  if (typeof entry === 'string') issues.push(...entryProblems(entry, dir).map((message) => ({ path: 'chatbot.entry', message })));
  if (issues.length > 0 || !result.success) throw new PlanValidationError(source, issues);
  return result.data;
}

/**
 * Decodes a plan file as UTF-8, refusing UTF-16 (by its byte-order mark or the NUL bytes of ASCII
 * text) and invalid UTF-8, which would otherwise reach customers as U+FFFD.
 */
export function decodePlanText(bytes: Uint8Array): { text?: string; problem?: string } {
  const bom16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  const sample = bytes.subarray(0, Math.min(bytes.length, 512));
  const nuls = sample.filter((b) => b === 0).length;
  if (bom16 || (sample.length >= 4 && nuls >= sample.length / 4)) {
    const order = bytes[0] === 0xfe || (!bom16 && bytes[0] === 0) ? 'big-endian' : 'little-endian';
    return { problem: `is UTF-16 (${order}${bom16 ? ', with a byte-order mark' : ''}), not UTF-8; save it as UTF-8 (in most editors: "Save with encoding" → UTF-8)` };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    // Find the first bad byte for the message: decode growing prefixes ending at a character boundary.
    let offset = 0;
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (let i = 1; i <= bytes.length; i++) {
      try {
        decoder.decode(bytes.subarray(0, i));
        offset = i;
      } catch {
        if (i - offset > 4) break;
      }
    }
    const line = bytes.subarray(0, offset).filter((b) => b === 0x0a).length + 1;
    return {
      problem: `is not valid UTF-8 (first invalid byte 0x${bytes[offset]?.toString(16).padStart(2, '0')} at byte ${offset}, line ${line}); it may be saved in a legacy encoding such as Big5 or GBK: save it as UTF-8`,
    };
  }
}

/** Reads, decodes (UTF-8 only), parses and validates a YAML (or JSON) plan file. */
export function loadPlan(file: string = EXAMPLE_PLAN_PATH): LoadedPlan {
  const source = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(source);
  } catch (e) {
    throw new PlanValidationError(source, [{ path: '', message: `cannot read the plan file (${(e as NodeJS.ErrnoException).code ?? String(e)}); pass an existing file with -c plan=PATH` }]);
  }
  const { text, problem } = decodePlanText(bytes);
  if (text === undefined) throw new PlanValidationError(source, [{ path: '', message: problem! }]);
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (e) {
    const msg = e instanceof YAMLParseError ? e.message.split('\n')[0] : String(e);
    throw new PlanValidationError(source, [{ path: '', message: `is not valid YAML: ${msg}` }]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PlanValidationError(source, [{ path: '', message: 'must be a YAML mapping with name, regions, dns, handoff, audiences and knowledgeBase' }]);
  }
  const dir = path.dirname(source);
  const warnings: string[] = [];
  const plan = parsePlan(raw, source, dir, warnings);
  return { plan, source, dir, ...(warnings.length ? { warnings } : {}) };
}
