export {
  DEFAULT_AGENTS,
  FAULT_KINDS,
  SuperfoneSimulator,
  type RecordedRequest,
  type SimulatedAgent,
  type SimulatedNotification,
  type SimulatorFault,
  type SimulatorOptions,
  type SimulatorSnapshot,
} from './simulator.js';
export {
  createSimulatorControlListener,
  createSimulatorListener,
  SIMULATOR_API_PREFIX,
  startSuperfoneSimulator,
  type RunningSimulator,
  type SimulatorServerOptions,
} from './simulator-server.js';
export { createSimulatorControlHandler, SIMULATOR_CONTROL_PATH } from './control-handler.js';
export { simulate, type SimulatedUpstream, type SimulateOptions } from './simulated-upstream.js';
