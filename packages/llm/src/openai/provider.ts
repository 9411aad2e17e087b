import { clientName } from '../common.js';

/** `gen_ai.provider.name` for an openai SDK client: Azure and Bedrock clients speak the same API to other providers. */
export function providerName(resource: unknown): string {
  const name = clientName(resource);
  if (name === 'AzureOpenAI') return 'azure.ai.openai';
  if (name === 'BedrockOpenAI') return 'aws.bedrock';
  return 'openai';
}
