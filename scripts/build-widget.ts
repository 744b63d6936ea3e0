// Writes the chat widget as one script, web/widget/dist/contingency-chat.js, for pages that embed it
// from their own server (the deployed copy is on the status site, widget/contingency-chat.js).
// Same bytes as the synth (lib/widget/bundle.ts); test/widget/failover-client.test.ts checks the
// committed file is current.   npm run build:widget
import * as fs from 'fs';
import * as path from 'path';
import { buildWidgetScript } from '../lib/widget/bundle';

export const WIDGET_DIST = path.join(__dirname, '..', 'web', 'widget', 'dist', 'contingency-chat.js');

fs.mkdirSync(path.dirname(WIDGET_DIST), { recursive: true });
fs.writeFileSync(WIDGET_DIST, buildWidgetScript());
console.log(`wrote ${path.relative(process.cwd(), WIDGET_DIST)} (${fs.statSync(WIDGET_DIST).size} bytes)`);
