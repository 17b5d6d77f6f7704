#!/usr/bin/env node
import { parseArgs } from 'node:util';

import { SIMULATOR_CONTROL_PATH } from './control-handler.js';
import { DEFAULT_ANSWER_AFTER_MS, DEFAULT_TALK_MS } from './simulated-calls.js';
import { startSuperfoneSimulator } from './simulator-server.js';

const HELP = `Usage: superfone-simulator [--port PORT] [--host HOST] [--api-key KEY] [--talk-ms MS|never]

A stand-in for Superfone's Click-to-Call API, for development and tests.
  API:      GET /superfone/api/customer/click-2-call (X-API-Key required)
  Control:  GET ${SIMULATOR_CONTROL_PATH}/state, POST ${SIMULATOR_CONTROL_PATH}/reset,
            POST ${SIMULATOR_CONTROL_PATH}/fault {"kind": "hang"|"slow"|"reset"|..., "count": 1},
            POST ${SIMULATOR_CONTROL_PATH}/app {"number": "+91...", "appOnline": false}
Defaults: port 8788 (or PORT), host 127.0.0.1, a random API key (printed at start), and a
customer who answers after ${DEFAULT_ANSWER_AFTER_MS / 1000} s and hangs up after --talk-ms ${DEFAULT_TALK_MS} ("never": until END).`;

try {
  const { values } = parseArgs({
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'api-key': { type: 'string' },
      'talk-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP + '\n');
  } else {
    const port = Number(values.port ?? process.env.PORT ?? 8788);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a whole number from 0 to 65535.`);
    const talk = values['talk-ms'];
    const talkMs = talk === undefined ? undefined : talk === 'never' ? null : Number(talk);
    if (typeof talkMs === 'number' && !(Number.isInteger(talkMs) && talkMs >= 0)) throw new Error(`--talk-ms must be a whole number of milliseconds, or never (got ${talk}).`);
    const running = await startSuperfoneSimulator({
      port,
      host: values.host ?? '127.0.0.1',
      apiKey: values['api-key'],
      talkMs,
    });
    process.stdout.write(`superfone-simulator: API base ${running.apiBase}\nsuperfone-simulator: API key ${running.simulator.apiKey}\n`);
    const stop = () => void running.close();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
} catch (error) {
  process.stderr.write(`superfone-simulator: ${(error as Error).message}\n`);
  process.exitCode = 2;
}
