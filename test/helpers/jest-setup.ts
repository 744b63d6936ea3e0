// Runs in every test file before it loads (jest `setupFiles`).
//
// aws-cdk-lib validates every synthesized template with its built-in CloudFormation validator (a
// WebAssembly engine) unless told not to. Starting that engine costs about 13 s of CPU in each
// process that synthesizes (measured: docs/verification.md, "Speed"), and jest gives every test
// file its own module registry, so every synthesizing file paid it. The template tests assert
// what they mean to with aws-cdk-lib/assertions, cdk-nag and cfn-lint; the built-in validator's
// findings (warnings only) are still checked where they are reported: `nagSynth`
// (test/helpers/synth.ts) turns it back on, and test/nag.test.ts requires a clean report.
// Child processes (the CLI, `cdk synth`) get their environment from test/helpers/cli.ts
// `cleanEnv`, which drops this switch, so they run as a user's do.
process.env.CDK_VALIDATION = 'false';
