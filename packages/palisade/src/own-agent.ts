import type { Agent } from 'node:http';
import { markOwnAgent, runSuppressed } from '@palisade/core';
import type { ExporterBase, ExporterConfig } from './otel-sdk.js';

/** How the OTLP exporter gets its HTTP agent (its `httpAgentOptions` as a function). */
type AgentFactory = (protocol: string) => Agent | Promise<Agent>;

/**
 * The exporter's HTTP agent made Palisade's own. Its requests leave after the
 * export call has returned, so they are recognised by their agent: the HTTP
 * sensor checks them like any other request but makes no span for them, and
 * the agent opens its connections (and their DNS lookups) inside
 * runSuppressed. Spans for the exporter's own traffic would be exported in
 * turn, and so on. The agent is the one `make` gives: the one the exporter
 * would have made itself (the environment's certificates, keep-alive).
 */
function ownAgentFactory(make: AgentFactory): (protocol: string) => Promise<Agent> {
  return async (protocol) => {
    const agent = await make(protocol);
    const createConnection = agent.createConnection as (...args: unknown[]) => unknown;
    agent.createConnection = function (this: Agent, ...args: unknown[]) {
      return runSuppressed(() => Reflect.apply(createConnection, this, args));
    } as Agent['createConnection'];
    markOwnAgent(agent);
    return agent;
  };
}

/**
 * The exporter's configuration with its agent adopted (above): the agent the
 * environment asks for (OTEL_EXPORTER_OTLP_*CERTIFICATE, _CLIENT_KEY…), read
 * by the exporter's own code, as it would read it without this.
 */
export function withOwnAgent(config: ExporterConfig, base: ExporterBase): ExporterConfig {
  const fromEnv = base.convertLegacyHttpOptions({}, 'TRACES', 'v1/traces', {}).agentFactory as AgentFactory;
  return { ...config, httpAgentOptions: ownAgentFactory(fromEnv) as NonNullable<ExporterConfig['httpAgentOptions']> };
}
