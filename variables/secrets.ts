/**
 * The secrets catalogue: which application secrets exist (API keys, external-service
 * credentials, signing keys), which service owns each one, and how it is rotated.
 * Terraform creates the empty secret (name, KMS key, recovery window, tags); the value
 * is put by an operator (see modules/security/README.md), so no value is ever in code,
 * in the synthesized JSON or in Terraform state.
 *
 * Database master passwords are not here: modules/rds makes one secret per instance
 * (`<identifier>/master`, outside the environment's prefix) and writes it write-only.
 */

/** A secret's path below the prefix: lower-case segments of letters, digits and hyphens separated by `/`. */
export const SECRET_PATH = /^[a-z0-9]+(-[a-z0-9]+)*(\/[a-z0-9]+(-[a-z0-9]+)*)*$/;

export interface SecretDefinition {
  /**
   * Path below the environment prefix: the secret is named `<namePrefix>/<path>`
   * (e.g. `authorworks-dev/payments/stripe-api-key`). Lower-case segments of letters,
   * digits and hyphens separated by `/`.
   */
  readonly path: string;
  /** Service (variables/services.ts), or `PLATFORM_OWNER` for what the platform layer itself uses, that owns the value and answers for its rotation. */
  readonly owner: string;
  /** Other services that read the value. @default none */
  readonly readers?: readonly string[];
  /**
   * The keys of a JSON secret the readers get (the owner gets every key): the gateway
   * verifies tokens with the public key and never sees the private one. @default every key of `format`
   */
  readonly readerKeys?: readonly string[];
  readonly description: string;
  /**
   * What the value looks like: a plain string, or a JSON object with these keys
   * (what the `put-secret-value` command must send).
   */
  readonly format: { readonly kind: "string" } | { readonly kind: "json"; readonly keys: readonly string[] };
  /** How an operator rotates it (the runbook line); AWS cannot rotate third-party credentials. */
  readonly rotation: string;
}

/** Owner of the secrets the platform layer uses itself (alerting, CI runners): the platform team. */
export const PLATFORM_OWNER = "platform";

export const SECRETS: readonly SecretDefinition[] = [
  {
    path: "payments/stripe-api-key",
    owner: "subscription",
    description: "Stripe secret API key (restricted key) for plans, billing and checkout",
    format: { kind: "string" },
    rotation:
      "Stripe Dashboard > Developers > API keys: roll the restricted key with an expiry overlap, put the new value, wait for subscription to roll (External Secrets syncs within the hour, Reloader rolls the pods), let the old key expire.",
  },
  {
    path: "payments/stripe-webhook-secret",
    owner: "subscription",
    description: "Stripe webhook endpoint signing secret (whsec_...) used to verify events",
    format: { kind: "string" },
    rotation: "Stripe Dashboard > Webhooks > endpoint > Roll secret (keeps the old one valid up to 24 h), put the new value, restart subscription.",
  },
  {
    path: "email/sendgrid-api-key",
    owner: "notification",
    description: "SendGrid API key (Mail Send permission only) for transactional e-mail",
    format: { kind: "string" },
    rotation:
      "SendGrid > Settings > API Keys: create a new Mail Send key, put it, wait for notification to roll (External Secrets syncs within the hour, Reloader rolls the pods), delete the old key.",
  },
  {
    path: "auth/jwt-signing-key",
    owner: "user",
    readers: ["gateway"],
    // The gateway verifies against every key still valid (JWKS), so a rotation never rejects a token.
    readerKeys: ["jwks"],
    description:
      "Signing key of the access tokens the user service issues (JSON: kid, private key PEM, public key PEM) and jwks, the JSON Web Key Set of every public key still accepted, which the gateway verifies tokens against",
    format: { kind: "json", keys: ["kid", "private_key_pem", "public_key_pem", "jwks"] },
    rotation:
      "Three puts, each after the services rolled (External Secrets syncs within the hour, Reloader rolls the pods): 1. add the new public key to jwks; 2. switch kid, private_key_pem and public_key_pem to the new pair; 3. after the longest token lifetime, remove the old key from jwks.",
  },
  {
    path: "github/app-credentials",
    owner: "content",
    description: "GitHub App used to import and sync manuscripts from authors' repositories (JSON: app_id, installation_id, private_key_pem, webhook_secret)",
    format: { kind: "json", keys: ["app_id", "installation_id", "private_key_pem", "webhook_secret"] },
    rotation:
      "GitHub > Settings > Developer settings > GitHub Apps > app: generate a new private key, put the new value, wait for content to roll (External Secrets syncs within the hour, Reloader rolls the pods), delete the old key.",
  },
  {
    path: "alerting/chat-webhook-url",
    owner: PLATFORM_OWNER,
    description: "Incoming-webhook URL of the alerts chat channel; Alertmanager's chat receiver reads it (platform stack)",
    format: { kind: "string" },
    rotation: "Create a new incoming webhook in the chat tool, put the new URL, re-apply <env>-platform, delete the old webhook.",
  },
  {
    path: "ci/github-runners-app",
    owner: PLATFORM_OWNER,
    description: "GitHub App the self-hosted runner scale set registers with (organization permission: self-hosted runners write)",
    format: { kind: "json", keys: ["app_id", "installation_id", "private_key_pem"] },
    rotation:
      "GitHub > organization settings > GitHub Apps > runners app: generate a new private key, put the new value, re-apply <env>-platform, delete the old key.",
  },
];

/**
 * Secrets the `<env>-platform` stack reads with data sources (their values reach its
 * state): a plan of that stack reads them, so the GitHub plan role may (environment-stack.ts).
 * A test keeps this equal to the platform stacks' `aws_secretsmanager_secret_version` reads.
 */
export const PLATFORM_STACK_SECRET_PATHS: readonly string[] = ["alerting/chat-webhook-url", "ci/github-runners-app"];
