export { createSimulatorControlHandler, SIMULATOR_CONTROL_PATH } from './control-handler.js';
export { simulate, type SimulatedUpstream, type SimulateOptions } from './simulated-upstream.js';
export {
  DEFAULT_AGENTS,
  FAULT_KINDS,
  type RecordedRequest,
  type SimulatedAgent,
  type SimulatedNotification,
  type SimulatorFault,
  type SimulatorOptions,
  type SimulatorSnapshot,
  SuperfoneSimulator,
} from './simulator.js';
export {
  createSimulatorControlListener,
  createSimulatorListener,
  type RunningSimulator,
  SIMULATOR_API_PREFIX,
  type SimulatorServerOptions,
  startSuperfoneSimulator,
} from './simulator-server.js';
