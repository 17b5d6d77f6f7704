import type { AddressInfo } from 'node:net';

import { createServer } from 'vite';

/** The demo as `npm start` serves it (the project's vite.config.ts, simulator upstream), on a free port. */
export async function startDemo(): Promise<{ url: string; close: () => Promise<void> }> {
  delete process.env.SUPERFONE_API_KEY;
  const vite = await createServer({ logLevel: 'silent', server: { port: 0, host: '127.0.0.1', open: false } });
  await vite.listen();
  const { port } = vite.httpServer!.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => vite.close() };
}
