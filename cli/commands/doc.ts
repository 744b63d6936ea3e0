import { Command, Option } from 'commander';
import { CliError, Io, loadPlanOption, PlanOptions, UsageError, withPlan } from '../common';

interface DocOptions extends PlanOptions {
  readonly out?: string;
  readonly evidence?: string;
  readonly assembly?: string;
  readonly pdf: boolean;
  readonly chromium?: string;
}

/**
 * `contingency doc`: the plan as a document (the seed's ten chapters) in every plan language, as
 * Markdown, HTML and PDF, generated from the synthesized assembly. Synthesis (aws-cdk-lib) is
 * loaded inside the action only, so the other subcommands never load it.
 */
export function register(program: Command, io: Io): void {
  withPlan(
    program
      .command('doc')
      .description('write the contingency plan document (10 chapters, every plan language; Markdown, HTML, PDF) generated from the synthesized app')
      .addOption(new Option('--out <dir>', 'folder to write plan.<lang>.md/.html/.pdf into (created if missing)'))
      .addOption(new Option('--evidence <dir>', 'folder of drill report.json files and AWS Backup restore jobs (aws backup list-restore-jobs): chapters 6 and 9 show measured against objective'))
      .addOption(new Option('--assembly <dir>', 'read this synthesized cloud assembly (e.g. cdk.out) instead of synthesizing the plan'))
      .addOption(new Option('--no-pdf', 'write Markdown and HTML only (no chromium needed)'))
      .addOption(new Option('--chromium <path>', 'chromium that prints the PDF (default: /usr/bin/chromium)')),
  ).action(async (opts: DocOptions) => {
    if (!opts.out) throw new UsageError('doc needs --out <dir>: the folder to write the document into');
    const { modelFromAssembly, readEvidence, EvidenceError } = require('../../lib/doc/model') as typeof import('../../lib/doc/model');
    const { writeDocument } = require('../../lib/doc/write') as typeof import('../../lib/doc/write');
    let evidence;
    try {
      evidence = opts.evidence ? readEvidence(opts.evidence) : undefined;
    } catch (e) {
      if (e instanceof EvidenceError) throw new CliError(`contingency: ${e.message}`);
      throw e;
    }
    let assembly;
    if (opts.assembly) {
      const cxapi = require('aws-cdk-lib/cx-api') as typeof import('aws-cdk-lib/cx-api');
      try {
        assembly = new cxapi.CloudAssembly(opts.assembly);
      } catch (e) {
        throw new CliError(`contingency: --assembly ${opts.assembly} is not a cloud assembly (${(e as Error).message.split('\n')[0]}); run npx cdk synth and pass its cdk.out`);
      }
    } else {
      const loaded = loadPlanOption(opts);
      const { synthesizeAssembly } = require('../../lib/doc/synthesize') as typeof import('../../lib/doc/synthesize');
      try {
        assembly = synthesizeAssembly(loaded);
      } catch (e) {
        const first = (e as Error).message.split('\n').filter((l) => l.trim() && !/^\s*at /.test(l)).slice(0, 3).join(' ');
        throw new CliError(`contingency: synth failed, no document written: ${first}`);
      }
    }
    let model;
    try {
      model = modelFromAssembly(assembly, evidence);
    } catch (e) {
      throw new CliError(`contingency: ${(e as Error).message}`);
    }
    let written;
    try {
      written = await writeDocument(model, opts.out, { pdf: opts.pdf, ...(opts.chromium ? { chromium: opts.chromium } : {}) });
    } catch (e) {
      throw new CliError(`contingency: ${(e as Error).message.split('\n')[0]}`);
    }
    io.out(`plan ${model.plan.name}: document written in ${model.plan.languages.join(', ')}${evidence ? ` with evidence (${evidence.drills.length} drill reports, ${evidence.restores.length} restore jobs)` : ''}`);
    for (const f of written.files) io.out(`  ${f}`);
    for (const l of written.englishWordsFor) io.out(`  note: ${l} has no built-in document words; its document has English headings around the plan's ${l} texts`);
  });
}
