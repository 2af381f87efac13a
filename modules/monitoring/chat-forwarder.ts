/**
 * The chat channel of AWS-side notifications (seed 003: the budget at 90 % is a "slack
 * alert"): what is published to the `<env>` stack's chat topic is posted to the chat
 * webhook Alertmanager uses (Secrets Manager `<prefix>/alerting/chat-webhook-url`), without
 * code: SNS -> an SQS queue -> an EventBridge pipe -> an EventBridge API destination whose
 * endpoint is the webhook, with an input template that turns the message into the
 * Slack-compatible `{"text": ...}` body.
 *
 * Why not an SNS HTTPS subscription to the webhook: SNS posts its own JSON envelope (no
 * `text` field) and first a SubscriptionConfirmation that a chat webhook never confirms, and
 * the URL, a secret, would sit in the Terraform JSON. Why not AWS Chatbot (Amazon Q Developer
 * in chat applications): it needs the workspace authorised in the console and the workspace
 * and channel ids in the environment files, and would be a second integration beside the
 * webhook. Here the URL is read with a data source, as Alertmanager's (it lives in state only).
 */
import { Construct } from "constructs";
import { CloudwatchEventApiDestination } from "@cdktf/provider-aws/lib/cloudwatch-event-api-destination";
import { CloudwatchEventConnection } from "@cdktf/provider-aws/lib/cloudwatch-event-connection";
import { DataAwsSecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version";
import { PipesPipe } from "@cdktf/provider-aws/lib/pipes-pipe";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { AwsContext, ServiceRole, policyDocument } from "../iam";
import { SERVICE_PRINCIPALS } from "../../variables/aws-catalog";
import { EnvironmentName, resourceName } from "../../variables/project";

/** The body posted to the webhook: the SNS message as the text of a Slack-compatible message. EventBridge escapes the quoted value into valid JSON. */
export const CHAT_INPUT_TEMPLATE = '{"text": "<$.body>"}';

/**
 * The connection's header. EventBridge connections must authenticate; an incoming webhook
 * authenticates by its secret URL and ignores other headers, so this header carries nothing.
 */
export const CHAT_CONNECTION_HEADER = { key: "X-AuthorWorks-Source", value: "aws-notifications" } as const;

/** Posts per second to the webhook (Slack's incoming webhooks accept about one message per second). @default */
export const CHAT_POSTS_PER_SECOND = 1;

export interface ChatForwarderProps {
  readonly environment: EnvironmentName;
  readonly aws: AwsContext;
  /** ARN of the topic to forward (the `<env>` stack's chat topic, looked up by name). */
  readonly topicArn: string;
  /** Secrets Manager secret (name or ARN) whose value is the webhook URL. */
  readonly webhookSecretId: string;
  /** Hours a message waits in the queue for the webhook before it is dropped. @default 96 (SQS's default 4 days) */
  readonly retentionHours?: number;
}

/** Queue, subscription, connection, API destination and pipe from a topic to the chat webhook. */
export class ChatForwarder extends Construct {
  public readonly queue: SqsQueue;
  public readonly subscription: SnsTopicSubscription;
  public readonly destination: CloudwatchEventApiDestination;
  public readonly pipe: PipesPipe;
  public readonly role: ServiceRole;

  constructor(scope: Construct, id: string, props: ChatForwarderProps) {
    super(scope, id);
    const name = resourceName(props.environment, "alerts-chat");
    this.queue = new SqsQueue(this, "queue", {
      name,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: (props.retentionHours ?? 96) * 3600,
      tags: { Name: name },
    });
    const queuePolicy = policyDocument(this, "queue-policy-document", [
      {
        sid: "FromTheChatTopic",
        actions: ["sqs:SendMessage"],
        resources: [this.queue.arn],
        principals: [{ type: "Service", identifiers: [SERVICE_PRINCIPALS.sns] }],
        conditions: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [props.topicArn] }],
      },
      {
        sid: "TlsOnly",
        effect: "Deny",
        actions: ["sqs:*"],
        resources: [this.queue.arn],
        principals: [{ type: "*", identifiers: ["*"] }],
        conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
    const policy = new SqsQueuePolicy(this, "queue-policy", { queueUrl: this.queue.url, policy: queuePolicy.json });
    // Raw delivery: the queue holds the message itself, not SNS's JSON envelope.
    this.subscription = new SnsTopicSubscription(this, "subscription", {
      topicArn: props.topicArn,
      protocol: "sqs",
      endpoint: this.queue.arn,
      rawMessageDelivery: true,
      dependsOn: [policy],
    });

    const webhook = new DataAwsSecretsmanagerSecretVersion(this, "webhook-url", { secretId: props.webhookSecretId });
    const connection = new CloudwatchEventConnection(this, "connection", {
      name,
      description: "Chat incoming webhook (authenticated by its URL; the header carries nothing)",
      authorizationType: "API_KEY",
      authParameters: { apiKey: { key: CHAT_CONNECTION_HEADER.key, value: CHAT_CONNECTION_HEADER.value } },
    });
    this.destination = new CloudwatchEventApiDestination(this, "destination", {
      name,
      description: "The chat webhook (Secrets Manager alerting/chat-webhook-url)",
      connectionArn: connection.arn,
      httpMethod: "POST",
      invocationEndpoint: webhook.secretString,
      invocationRateLimitPerSecond: CHAT_POSTS_PER_SECOND,
    });

    const pipeName = name;
    const pipeArn = `arn:${props.aws.partition ?? "aws"}:pipes:${props.aws.region}:${props.aws.accountId}:pipe/${pipeName}`;
    this.role = new ServiceRole(this, "role", {
      name: resourceName(props.environment, "chat-pipe"),
      description: `EventBridge pipe ${pipeName}: read the chat queue, post to the chat webhook destination`,
      service: SERVICE_PRINCIPALS.pipes,
      sourceAccount: props.aws.accountId,
      sourceArn: pipeArn,
      statements: [
        { sid: "ReadTheQueue", actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], resources: [this.queue.arn] },
        { sid: "PostToTheWebhook", actions: ["events:InvokeApiDestination"], resources: [this.destination.arn] },
      ],
    });
    this.pipe = new PipesPipe(this, "pipe", {
      name: pipeName,
      description: "Chat notifications (the budget at 90 %) to the chat webhook",
      roleArn: this.role.arn,
      source: this.queue.arn,
      target: this.destination.arn,
      sourceParameters: { sqsQueueParameters: { batchSize: 1 } },
      targetParameters: { inputTemplate: CHAT_INPUT_TEMPLATE },
      tags: { Name: pipeName },
      dependsOn: this.role.policy ? [this.role.policy] : undefined,
    });
  }
}
