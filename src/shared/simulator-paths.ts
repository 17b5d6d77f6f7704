/**
 * Where the simulator's own endpoints (state, reset, faults, outcomes; never part of
 * Superfone's API) live, on the simulator's server and on a dev server that mounts one.
 * Here so that the server can name it without loading the simulator.
 */
export const SIMULATOR_CONTROL_PATH = '/__superfone-simulator';
