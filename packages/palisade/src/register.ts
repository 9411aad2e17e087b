/**
 * `node --import palisade/register app.js` (or `--require`: the build's
 * preload is CommonJS): loads the policy, installs the sensors, and sets up
 * telemetry before the app's first line runs.
 *
 * A policy that cannot be loaded stops the process, unless PALISADE_MODE
 * asks for monitor or learn, which continue on the recommended preset with the
 * problem printed. Palisade never runs unprotected without saying so.
 */
import './own-dir.js';
import workerThreads, { getEnvironmentData, isMainThread } from 'node:worker_threads';
import { PalisadePolicyError, RECOMMENDED_POLICY, activeRuntime, init } from '@palisade/core';
import { INHERIT_KEY, type Inherited } from '@palisade/node';
import { registerLlmLoader } from '@palisade/llm';
import { guardLoaderThread } from './guard-loader-thread.js';
import { installSensors } from './install.js';
import { registerPath } from './register-path.js';
import { setupTelemetry } from './telemetry-sdk.js';

function start(): void {
  if (activeRuntime()) return; // already registered (both --import and --require given)
  // `--require` preloads also run in Node's own module-loader thread (which has no parentPort; Node 22+
  // says isInternalThread). Palisade's loader-thread hook guards that thread; the app's sensors do not belong there.
  if (!isMainThread && ((workerThreads as { isInternalThread?: boolean }).isInternalThread || workerThreads.parentPort === null)) return;
  // A worker started by a protected thread runs under that thread's policy, whatever files say.
  const inherited = isMainThread ? undefined : (getEnvironmentData(INHERIT_KEY) as Inherited | undefined);
  try {
    if (inherited) init({ policy: inherited.policy, source: inherited.source });
    else init();
  } catch (err) {
    if (!(err instanceof PalisadePolicyError)) throw err;
    const override = process.env.PALISADE_MODE;
    if (override === 'monitor' || override === 'learn') {
      process.stderr.write(`palisade: ${err.message}\npalisade: PALISADE_MODE=${override}: continuing with the recommended preset\n`);
      init({ policy: { ...RECOMMENDED_POLICY, mode: override }, source: 'recommended preset (policy failed to load)' });
    } else {
      process.stderr.write(`palisade: ${err.message}\npalisade: refusing to start without a valid policy (set PALISADE_MODE=monitor to run unprotected while fixing it)\n`);
      process.exit(1);
    }
  }
  try {
    setupTelemetry();
  } catch (err) {
    activeRuntime()?.recorder.internalError('telemetry setup', err);
  }
  try {
    guardLoaderThread();
  } catch (err) {
    activeRuntime()?.recorder.internalError('module loader thread', err);
  }
  try {
    // Before the app's imports, so ESM imports of the LLM SDKs can be hooked.
    registerLlmLoader({ registerPath });
  } catch (err) {
    activeRuntime()?.recorder.internalError('llm loader', err);
  }
  installSensors();
}

start();
