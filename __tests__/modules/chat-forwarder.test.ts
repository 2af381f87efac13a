/** modules/monitoring/chat-forwarder.ts: a topic to the chat webhook through SQS, an EventBridge pipe and an API destination. */
import { ChatForwarder, CHAT_INPUT_TEMPLATE } from "../../modules/monitoring/chat-forwarder";
import { Json, TEST_AWS, dataOf, resource, resourcesOf, statements, synthWith } from "../helpers";
import { FIXTURE } from "../fixtures/environment";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:authorworks-staging-alerts-chat";
const SECRET = "authorworks-staging/alerting/chat-webhook-url";
const build = (retentionHours?: number): Json =>
  synthWith((stack) => {
    new ChatForwarder(stack, "chat", { environment: FIXTURE.name, aws: TEST_AWS, topicArn: TOPIC, webhookSecretId: SECRET, retentionHours });
  });
const json = build();
const QUEUE_ARN = "${aws_sqs_queue.chat_queue.arn}";

describe("chat forwarder", () => {
  test("the topic's messages land raw in an encrypted queue that only this topic may write to, over TLS", () => {
    expect(resource(json, "aws_sqs_queue", "chat_queue")).toMatchObject({
      name: "authorworks-staging-alerts-chat",
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 96 * 3600,
    });
    expect(resource(json, "aws_sns_topic_subscription", "chat_subscription")).toMatchObject({
      topic_arn: TOPIC,
      protocol: "sqs",
      endpoint: QUEUE_ARN,
      raw_message_delivery: true,
      depends_on: ["aws_sqs_queue_policy.chat_queue_policy"],
    });
    const [send, tls] = statements(json, "chat_queue_policy_document");
    expect(send).toMatchObject({
      actions: ["sqs:SendMessage"],
      resources: [QUEUE_ARN],
      principals: [{ type: "Service", identifiers: ["sns.amazonaws.com"] }],
      condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [TOPIC] }],
    });
    expect(tls).toMatchObject({ effect: "Deny", condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] });
    expect(resource(build(12), "aws_sqs_queue", "chat_queue").message_retention_seconds).toBe(12 * 3600);
  });

  test("the webhook URL comes from Secrets Manager at plan time, never from the configuration", () => {
    expect(dataOf(json, "aws_secretsmanager_secret_version").chat_webhook_url).toEqual({ secret_id: SECRET });
    expect(resource(json, "aws_cloudwatch_event_api_destination", "chat_destination")).toMatchObject({
      invocation_endpoint: "${data.aws_secretsmanager_secret_version.chat_webhook_url.secret_string}",
      http_method: "POST",
      invocation_rate_limit_per_second: 1,
      connection_arn: "${aws_cloudwatch_event_connection.chat_connection.arn}",
    });
    expect(resource(json, "aws_cloudwatch_event_connection", "chat_connection")).toMatchObject({ authorization_type: "API_KEY" });
  });

  test("the pipe posts each message as a Slack-compatible text body", () => {
    expect(resource(json, "aws_pipes_pipe", "chat_pipe")).toMatchObject({
      source: QUEUE_ARN,
      target: "${aws_cloudwatch_event_api_destination.chat_destination.arn}",
      source_parameters: { sqs_queue_parameters: { batch_size: 1 } },
      target_parameters: { input_template: CHAT_INPUT_TEMPLATE },
    });
    expect(JSON.parse(CHAT_INPUT_TEMPLATE.replace("<$.body>", "AWS Budget Notification"))).toEqual({ text: "AWS Budget Notification" });
  });

  test("the pipe's role: assumed by EventBridge Pipes for this pipe; reads this queue, invokes this destination", () => {
    const [trust] = statements(json, "chat_role_trust");
    expect(trust.principals).toEqual([{ type: "Service", identifiers: ["pipes.amazonaws.com"] }]);
    expect(trust.condition).toContainEqual({
      test: "ArnLike",
      variable: "aws:SourceArn",
      values: [`arn:aws:pipes:us-east-1:${TEST_AWS.accountId}:pipe/authorworks-staging-alerts-chat`],
    });
    expect(statements(json, "chat_role_policy_document")).toEqual([
      { sid: "ReadTheQueue", effect: "Allow", actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], resources: [QUEUE_ARN] },
      {
        sid: "PostToTheWebhook",
        effect: "Allow",
        actions: ["events:InvokeApiDestination"],
        resources: ["${aws_cloudwatch_event_api_destination.chat_destination.arn}"],
      },
    ]);
    expect(Object.keys(resourcesOf(json, "aws_iam_role"))).toEqual(["chat_role_role"]);
  });
});
