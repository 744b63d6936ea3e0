// Types for the `opencc-js/t2cn` entry point (the package's own types sit on its root entry, which
// TypeScript's node10 resolution cannot map to this subpath).
declare module 'opencc-js/t2cn' {
  export function Converter(options: { from: string; to: string }): (text: string) => string;
  export const Locale: { readonly to: { readonly cn: readonly (string | readonly string[])[] } };
}
