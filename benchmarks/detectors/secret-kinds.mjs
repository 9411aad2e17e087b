// Which Palisade secret rules report the kind of credential a Nosey Parker rule is about, for the
// per-rule metric of the secrets evaluation. Written from the rule names (Nosey Parker's id and name,
// Palisade's rule ids), not from detection results: a provider maps to the Palisade rules of that
// provider; where Nosey Parker splits a provider into token types with negatives of each other
// (Slack, HashiCorp Vault), the type decides. Nosey Parker's generic rules map to 'any'.
import * as D from '@palisade/detectors';

const ALL = D.secretRuleIds();

/** Palisade's rules that find a secret by its key name or context rather than by its format. */
export const GENERIC_SECRET_RULES = new Set([
  'generic-api-key', 'password-assignment', 'secret-assignment', 'secret-comparison', 'password-in-prose', 'url-query-token',
  'connection-string-password', 'url-credentials', 'command-line-password', 'netrc-credentials', 'dotnet-credential',
  'http-basic-auth', 'http-bearer-token', 'curl-auth-header', 'curl-auth-user',
]);

const byPattern = (re) => new Set(ALL.filter((id) => re.test(id)));

// Nosey Parker rule-id prefix (np.<provider>.<n>) → Palisade rule ids
const PROVIDERS = {
  adafruit: /adafruit/, adobe: /adobe/, age: /^age-/, anthropic: /anthropic/, appsync: /^aws-/, arn: /cloud-resource-identifier/,
  artifactory: /artifactory|jfrog/, atlassian: /atlassian|jira|confluence/, auth0: /auth0/, aws: /^aws-/, azure: /azure/,
  bitbucket: /bitbucket/, blynk: /blynk/, codeclimate: /codeclimate/, cratesio: /crates/, databricks: /databricks/,
  digitalocean: /digitalocean/, django: /django/, dockerhub: /docker/, doppler: /doppler/, dropbox: /dropbox/,
  dtrack: /dependency-track|dtrack/, dynatrace: /dynatrace/, facebook: /facebook/, figma: /figma/, firecrawl: /firecrawl/,
  gcs: /cloud-resource-identifier|gcp/, gitalk: /github/, github: /github/, gitlab: /gitlab/, google: /google|gcp/,
  grafana: /grafana/, groq: /groq/, hashicorp: /vault/, heroku: /heroku/, http: /http-basic-auth|http-bearer-token|curl-auth/,
  huggingface: /huggingface/, jenkins: /jenkins/, jina: /jina/, jwt: /^jwt/, kagi: /kagi/, krb5: /kerberos/,
  kubernetes: /kubernetes/, linkedin: /linkedin/, mailchimp: /mailchimp/, mailgun: /mailgun/, mapbox: /mapbox/,
  mongodb: /url-credentials|connection-string/, msteams: /teams/, nasa: /nasa/, netrc: /netrc/, newrelic: /new-relic/,
  npm: /^npm/, nuget: /nuget/, odbc: /connection-string|url-credentials/, okta: /okta/, openai: /openai/,
  particleio: /particle/, pem: /private-key/, postgres: /url-credentials|connection-string/, postman: /postman/,
  postmark: /postmark/, psexec: /command-line-password/, pwhash: /password-hash/, pypi: /pypi/, rubygems: /rubygems/,
  s3: /cloud-resource-identifier/, salesforce: /salesforce/, sauce: /sauce/, segment: /segment/, sendgrid: /sendgrid/,
  shopify: /shopify/, slack: /slack/, sonarqube: /sonar/, sourcegraph: /sourcegraph/, square: /square/,
  stackhawk: /stackhawk/, stripe: /stripe/, tavily: /tavily/, teamcity: /teamcity/, telegram: /telegram/,
  thingsboard: /thingsboard/, truenas: /truenas/, twilio: /twilio/, twitch: /twitch/, twitter: /twitter/,
  vmware: /command-line-password/, wireguard: /wireguard/,
};
// token types within a provider (Nosey Parker rule id → Palisade rule ids)
const TYPES = {
  'np.slack.2': /^slack-bot-token$/, // Slack Bot Token
  'np.slack.3': /^slack-webhook/, // Slack Webhook
  'np.slack.4': /^slack-(?:user-token|legacy-token)$/, // Slack User Token
  'np.slack.5': /^slack-app-token$/, // Slack App Token
  'np.slack.6': /^slack-legacy-bot-token$/, // Slack Legacy Bot Token
  'np.hashicorp.1': /^vault-service-token$/, // Vault service token (< v1.10)
  'np.hashicorp.2': /^vault-batch-token$/, // Vault batch token (< v1.10)
  'np.hashicorp.3': /^vault-(?:service|batch)-token$/, // Vault recovery token (< v1.10): no rule of its own
  'np.hashicorp.4': /^vault-service-token$/, // Vault service token (>= v1.10)
  'np.hashicorp.5': /^vault-batch-token$/, // Vault batch token (>= v1.10)
  'np.hashicorp.6': /^vault-(?:service|batch)-token$/, // Vault recovery token (>= v1.10)
  'np.hashicorp.7': /^vault-unseal-key$/, // Vault unseal key
  'np.shopify.1': /^cloud-resource-identifier$/, // Shopify Domain: a store's *.myshopify.com name, an identifier
};
// Nosey Parker's generic rules: any finding is the expected kind
const GENERIC_PROVIDERS = new Set(['generic', 'gradle', 'phpmailer', 'reactapp']);

/** The Palisade rules that report the kind of credential a Nosey Parker rule is about, or 'any'. */
export function expectedRules(npRuleId) {
  if (TYPES[npRuleId]) return byPattern(TYPES[npRuleId]);
  const provider = npRuleId.split('.')[1];
  if (GENERIC_PROVIDERS.has(provider)) return 'any';
  const re = PROVIDERS[provider];
  return re ? byPattern(re) : new Set();
}
