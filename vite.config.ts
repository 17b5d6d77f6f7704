import { defineConfig } from 'vite';

import { minifySourceModule } from './scripts/html-templates.mjs';
import { superfoneVitePlugin } from './src/server/adapters/vite-plugin.js';

const apiKey = process.env.SUPERFONE_API_KEY;

// The demo talks to the real Superfone API when a key is set, else to the simulator.
export default defineConfig({
  plugins: [
    // The demo's controls as they ship: their templates' wrapping taken out (scripts/html-templates.mjs).
    { name: 'minify-html-templates', transform: (code, id) => minifySourceModule(code, id) },
    apiKey
      ? superfoneVitePlugin({
          apiKey,
          apiBase: process.env.SUPERFONE_API_BASE,
          defaultCountry: 'IN',
          // Set the same value in Superfone's dashboard (Authorization: Bearer …) to see calls end.
          webhookSecret: process.env.SUPERFONE_WEBHOOK_SECRET,
        })
      : // The simulator reports each call's end to this dev server (simulate makes up its
        // secret), and an answered call's recording and summary a few seconds later.
        superfoneVitePlugin({ simulate: { reports: { recordingAfterMs: 3_000, summaryAfterMs: 6_000 } }, defaultCountry: 'IN', timeoutMs: 4_000 }),
  ],
  server: { port: 5173, open: !process.env.CI },
  // Pre-bundle what the lazily loaded detection chunk imports too; found late, Vite would
  // re-optimize and reload the page mid-session.
  optimizeDeps: {
    include: ['lit', 'lit/decorators.js', '@lit/context', 'libphonenumber-js/min', 'libphonenumber-js/core', 'libphonenumber-js/min/metadata'],
  },
});
