/**
 * SNS topics as typed references: an alert topic of `Monitoring` and a topic another
 * stack imports by name grant publishing the same way.
 */
import { Construct } from "constructs";
import { DataAwsSnsTopic } from "@cdktf/provider-aws/lib/data-aws-sns-topic";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { PolicyStatement } from "../iam";
import { inlineGrant } from "../iam/grant";
import { IKey, keyServiceUseStatement } from "../kms";

/** What publishing to an SSE-KMS topic takes from the key (SNS encrypts each message with a data key). */
export const SNS_PUBLISH_KEY_ACTIONS = ["kms:GenerateDataKey*", "kms:Decrypt"];

/** An SNS topic wherever it was made, with its publish grant. */
export interface ITopic {
  /** Topic name, e.g. `authorworks-dev-alerts-critical`. */
  readonly name: string;
  /** Topic ARN. */
  readonly arn: string;
  /** Its SSE-KMS key. @default undefined (not encrypted) */
  readonly encryptionKey?: IKey;
  /**
   * Inline policy on `role` (name `sns-<topic name>-publish`): `sns:Publish` on this topic
   * and, for an encrypted topic, its key through SNS for this topic only
   * (`topicPublishStatements`). Idempotent per role and topic.
   */
  grantPublish(role: IamRole): IamRolePolicy;
}

/** What `AlertTopic.fromTopicName` needs. */
export interface TopicAttributes {
  /** Topic name, e.g. `names.alertTopic(env, "critical")`. */
  readonly topicName: string;
  /**
   * The topic's SSE-KMS key (the alert topics': the `logs` data key,
   * `EncryptionKey.fromAliasName(..., names.kmsAlias(env, "logs"))`).
   * @default none (an unencrypted topic: the grant has no KMS statement)
   */
  readonly encryptionKey?: IKey;
}

/**
 * Publishing to one topic: `sns:Publish` on it, and with `key` the data-key actions on the
 * key only through SNS in the key's region and only for this topic (SNS puts the topic
 * ARN in the encryption context, `aws:sns:topicArn`).
 */
export function topicPublishStatements(topicArn: string, key?: { readonly arn: string; readonly region: string }): PolicyStatement[] {
  const statements: PolicyStatement[] = [{ sid: "Publish", actions: ["sns:Publish"], resources: [topicArn] }];
  if (key) {
    statements.push(
      keyServiceUseStatement(key, {
        sid: "EncryptThroughSns",
        actions: SNS_PUBLISH_KEY_ACTIONS,
        service: "sns",
        encryptionContext: { test: "StringEquals", variable: "kms:EncryptionContext:aws:sns:topicArn", values: [topicArn] },
      }),
    );
  }
  return statements;
}

function grantTopicPublish(topic: ITopic, scope: Construct, what: string, role: IamRole): IamRolePolicy {
  return inlineGrant({
    scope,
    role,
    what,
    policyName: `sns-${topic.name}-publish`,
    statements: () => topicPublishStatements(topic.arn, topic.encryptionKey),
  });
}

/**
 * An alert topic of `Monitoring` (`resource`), named `name` (the literal the topic was
 * made with, so both sides name the grant's policy alike). Its grants are made under
 * `grantScope` (ids `grant-<role>-publish-<severity>`).
 */
export class AlertTopic implements ITopic {
  /**
   * A topic of another stack by name: an `aws_sns_topic` data source (construct id `id`),
   * so a plan fails while the topic does not exist; its ARN is the lookup's. Grants are
   * made under the data source (ids `grant-<role>-publish`).
   */
  public static fromTopicName(scope: Construct, id: string, attrs: TopicAttributes): ITopic {
    const lookup = new DataAwsSnsTopic(scope, id, { name: attrs.topicName });
    const topic: ITopic = {
      name: attrs.topicName,
      arn: lookup.arn,
      encryptionKey: attrs.encryptionKey,
      grantPublish: (role) => grantTopicPublish(topic, lookup, "publish", role),
    };
    return topic;
  }

  public readonly arn: string;

  constructor(
    public readonly resource: SnsTopic,
    public readonly name: string,
    public readonly encryptionKey: IKey,
    private readonly grantScope: Construct,
    /** Construct-id suffix of its grants (`publish-critical`). */
    private readonly grantWhat: string,
  ) {
    this.arn = resource.arn;
  }

  public grantPublish(role: IamRole): IamRolePolicy {
    return grantTopicPublish(this, this.grantScope, this.grantWhat, role);
  }
}
