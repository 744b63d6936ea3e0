import { detectionTableMarkdown } from '../alerting/catalogue';
import type { Plan } from '../config';
import type { DocModel } from './model';
import { readmeAlertTable } from './render';
import { docStem, renderDocument } from './write';

/**
 * What `npm run docs` generates from the synthesized example plan, and what the tests compare with
 * the committed files: the README's alert tables (between `<!-- name:start -->` / `<!-- name:end -->`
 * markers) and the plan document under docs/plan/ (Markdown and HTML; the PDF is printed by
 * `contingency doc`, not committed).
 */
export function readmeBlocks(model: DocModel, plan: Plan): Record<string, string> {
  return { 'alert-table': readmeAlertTable(model), 'detection-table': detectionTableMarkdown(plan) };
}

/** `text` with the block between the markers of `name` replaced; throws if the markers are missing. */
export function replaceBlock(text: string, name: string, content: string): string {
  const re = new RegExp(`<!-- ${name}:start -->[\\s\\S]*?<!-- ${name}:end -->`);
  if (!re.test(text)) throw new Error(`no <!-- ${name}:start --> … <!-- ${name}:end --> markers; add them where the generated block belongs`);
  return text.replace(re, () => `<!-- ${name}:start -->\n${content}\n<!-- ${name}:end -->`);
}

/** The content of a marked block, or undefined. */
export function blockOf(text: string, name: string): string | undefined {
  const m = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(text);
  return m?.[1];
}

/** docs/plan/ files: plan.<lang>.md and plan.<lang>.html in every plan language. */
export function planDocFiles(model: DocModel): Record<string, string> {
  const out: Record<string, string> = {};
  for (const lang of model.plan.languages) {
    const { markdown, html } = renderDocument(model, lang);
    out[`${docStem(lang)}.md`] = markdown;
    out[`${docStem(lang)}.html`] = html;
  }
  return out;
}
