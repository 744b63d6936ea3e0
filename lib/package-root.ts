import * as fs from 'fs';
import * as path from 'path';

/**
 * This package's folder: the nearest folder above this file that holds `package.json` and the
 * `lambdas/` handler sources. The same from the TypeScript sources (lib/) and from the compiled
 * package (dist/lib/), in a checkout and under a consumer's node_modules.
 */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'lambdas'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find this package's folder (package.json and lambdas/) above ${from}; reinstall the package`);
  }
}

/** This package's folder (see `packageRoot`). */
export const PACKAGE_ROOT = packageRoot();
