import { defineConfig } from 'vite';
import { superfoneProxy } from './src/server/vite-plugin.js';

const apiKey = process.env.SUPERFONE_API_KEY;

// The demo talks to the real Superfone API when a key is set, else to the simulator.
export default defineConfig({
  plugins: [
    apiKey
      ? superfoneProxy({
          apiKey,
          apiBase: process.env.SUPERFONE_API_BASE,
          defaultCountry: 'IN',
        })
      : superfoneProxy({ simulate: true, defaultCountry: 'IN', timeoutMs: 4_000 }),
  ],
  server: { port: 5173, open: !process.env.CI },
});
