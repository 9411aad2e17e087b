import type { Capability } from '../capabilities.js';
import type { CommandTarget } from '../compile/command-pattern.js';
import type { EndpointTarget } from '../compile/endpoint-pattern.js';

/** A sensitive call as a sensor describes it to the guard. */
export type Operation =
  | { readonly capability: 'fs.read' | 'fs.write' | 'code.eval' | 'code.worker' | 'code.native' | 'llm.model' | 'tool.call'; readonly target: string }
  | { readonly capability: 'process.spawn'; readonly command: CommandTarget }
  | { readonly capability: 'net.connect' | 'net.listen'; readonly endpoint: EndpointTarget };

export type StringCapability = Extract<Operation, { target: string }>['capability'];
export type EndpointCapability = 'net.connect' | 'net.listen';

export type { Capability };
