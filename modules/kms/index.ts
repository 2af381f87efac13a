/**
 * Customer-managed KMS keys, one per data class. Each key policy names its users:
 * the account may administer the key through IAM, but cryptographic use is allowed
 * only through the AWS services of that data class (kms:ViaService) or the IAM
 * principals listed in `users`.
 */
import { Construct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsKmsAlias } from "@cdktf/provider-aws/lib/data-aws-kms-alias";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { KMS_DELETION_WINDOW_DAYS, serviceEndpoint } from "../../variables/aws-catalog";
import { AwsContext, Condition, PolicyStatement, policyDocument, statementBlock } from "../iam";

export const DATA_CLASSES = ["storage", "database", "logs", "secrets"] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

/** The AWS services that encrypt each data class on a caller's behalf. */
export const DATA_CLASS_SERVICES: Readonly<Record<DataClass, readonly string[]>> = {
  storage: ["s3"],
  database: ["rds", "elasticache"],
  logs: [],
  secrets: ["secretsmanager"],
};

/** Administration of a key through IAM (key policies grant it to the account root); use is granted apart. */
export const KEY_ADMIN_ACTIONS = [
  "kms:Create*",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:RotateKeyOnDemand",
];
/** What a user of the key needs to encrypt and decrypt data (envelope encryption). */
export const KEY_USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/** One use of a key through an AWS service, as an identity-policy statement grants it. */
export interface ServiceUse {
  readonly sid: string;
  /** KMS actions, e.g. `["kms:Decrypt"]`. */
  readonly actions: readonly string[];
  /** Short name of the service that calls KMS for the principal (`s3`, `secretsmanager`, `sns`): `kms:ViaService`. */
  readonly service: string;
  /** The encryption context that service sends, limiting the use to one resource. @default no condition */
  readonly encryptionContext?: Condition;
}

/**
 * A key wherever it was made: its ARN, alias and region, and the statements the grants of
 * the resources it encrypts need. `EncryptionKey` is one; `EncryptionKey.fromAliasName`
 * imports one made by another stack.
 */
export interface IKey {
  /** Key ARN (a reference: `aws_kms_key.<id>.arn`, or the alias lookup's `target_key_arn`). */
  readonly arn: string;
  /** `alias/<alias>` */
  readonly aliasName: string;
  /** Region of the key: the `kms:ViaService` endpoints of its users are in it. */
  readonly region: string;
  /** Identity-policy statement: `use.actions` on this key only through `use.service` (see `keyServiceUseStatement`). */
  serviceUseStatement(use: ServiceUse): PolicyStatement;
}

/**
 * The statement behind `IKey.serviceUseStatement`: the actions on `key.arn`, conditioned on
 * `kms:ViaService` = the service's endpoint in the key's region, then on the encryption
 * context when given. The key policy must let IAM policies of the account use the key
 * through that service (`viaServices` of `EncryptionKey`, or a statement its consumer adds).
 */
export function keyServiceUseStatement(key: { readonly arn: string; readonly region: string }, use: ServiceUse): PolicyStatement {
  return {
    sid: use.sid,
    actions: [...use.actions],
    resources: [key.arn],
    conditions: [
      { test: "StringEquals", variable: "kms:ViaService", values: [serviceEndpoint(use.service, key.region)] },
      ...(use.encryptionContext ? [use.encryptionContext] : []),
    ],
  };
}

/**
 * A key as the modules of its own stack see it: an `IKey` whose key policy a consumer
 * extends with what its AWS service needs (alert publishers, AWS Backup, CloudFront).
 * `EncryptionKey` is one.
 */
export interface PolicyKey extends IKey {
  /** Adds statements to the key policy; any time before synthesis. */
  addPolicyStatements(...statements: PolicyStatement[]): void;
}

/** What `EncryptionKey.fromAliasName` needs. */
export interface KeyAliasAttributes {
  /** The importing stack's account and region (the key is looked up in `aws.region`). */
  readonly aws: AwsContext;
  /** `alias/<alias>`, e.g. `names.kmsAlias(env, "storage")`. */
  readonly aliasName: string;
}

/**
 * A key made by another stack, found by its alias: an `aws_kms_alias` data source whose
 * `target_key_arn` is the key ARN. A plan fails when the alias does not exist.
 */
class ImportedKey implements IKey {
  public readonly arn: string;
  public readonly aliasName: string;
  public readonly region: string;

  constructor(
    /** The `aws_kms_alias` data source. */
    public readonly lookup: DataAwsKmsAlias,
    attrs: KeyAliasAttributes,
  ) {
    this.arn = lookup.targetKeyArn;
    this.aliasName = attrs.aliasName;
    this.region = attrs.aws.region;
  }

  public serviceUseStatement(use: ServiceUse): PolicyStatement {
    return keyServiceUseStatement(this, use);
  }
}

export interface EncryptionKeyProps {
  /** Account, and the region the key is in (its `kms:ViaService` and CloudWatch Logs conditions name it). */
  readonly aws: AwsContext;
  /** Alias without the `alias/` prefix, e.g. `authorworks-dev-storage`. */
  readonly alias: string;
  readonly description: string;
  /** Service short names (`s3`, `rds`) that may use the key for callers in this account. @default none */
  readonly viaServices?: readonly string[];
  /** Allow CloudWatch Logs to encrypt this account's log groups in the region. @default false */
  readonly cloudWatchLogs?: boolean;
  /** IAM principal ARNs allowed to use the key directly. @default none */
  readonly users?: readonly string[];
  /** Days between scheduling deletion and deletion (KMS_DELETION_WINDOW_DAYS: 7-30). @default 30 (the longest) */
  readonly deletionWindowDays?: number;
  /**
   * Provider of the key and its alias: a key is usable only in its own region, so a key for
   * resources in another region is made through that region's provider (`aws.region` must
   * name the same region). @default the stack's default provider
   */
  readonly provider?: AwsProvider;
}

/** One customer-managed key with yearly rotation and an alias. */
export class EncryptionKey extends Construct implements PolicyKey {
  /**
   * The key of another stack by its alias (construct id `id` is the `aws_kms_alias` data
   * source's): its ARN is the alias's `target_key_arn`, so a plan fails when the alias
   * does not exist. The importing stack cannot change the key policy.
   */
  public static fromAliasName(scope: Construct, id: string, attrs: KeyAliasAttributes): IKey {
    return new ImportedKey(new DataAwsKmsAlias(scope, id, { name: attrs.aliasName }), attrs);
  }

  public readonly key: KmsKey;
  public readonly arn: string;
  public readonly keyId: string;
  /** `alias/<alias>` */
  public readonly aliasName: string;
  public readonly region: string;
  private readonly statements: PolicyStatement[];
  private readonly policyDocument: DataAwsIamPolicyDocument;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const { aws } = props;
    const root = `arn:${aws.partition ?? "aws"}:iam::${aws.accountId}:root`;
    const statements: PolicyStatement[] = [
      {
        sid: "KeyAdministrationThroughIam",
        actions: KEY_ADMIN_ACTIONS,
        resources: ["*"],
        principals: [{ type: "AWS", identifiers: [root] }],
      },
    ];
    if (props.viaServices?.length) {
      statements.push({
        sid: "UseThroughNamedServices",
        actions: [...KEY_USE_ACTIONS, "kms:CreateGrant", "kms:ListGrants"],
        resources: ["*"],
        principals: [{ type: "AWS", identifiers: [root] }],
        conditions: [
          { test: "StringEquals", variable: "kms:ViaService", values: props.viaServices.map((s) => serviceEndpoint(s, aws.region)) },
          { test: "StringEquals", variable: "kms:CallerAccount", values: [aws.accountId] },
        ],
      });
    }
    if (props.cloudWatchLogs) {
      statements.push({
        sid: "CloudWatchLogsForThisAccount",
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        resources: ["*"],
        principals: [{ type: "Service", identifiers: [serviceEndpoint("logs", aws.region)] }],
        conditions: [
          {
            test: "ArnLike",
            variable: "kms:EncryptionContext:aws:logs:arn",
            values: [`arn:${aws.partition ?? "aws"}:logs:${aws.region}:${aws.accountId}:log-group:*`],
          },
        ],
      });
    }
    if (props.users?.length) {
      statements.push({
        sid: "NamedUsers",
        actions: KEY_USE_ACTIONS,
        resources: ["*"],
        principals: [{ type: "AWS", identifiers: [...props.users] }],
      });
    }
    const policy = policyDocument(this, "policy", statements);
    this.statements = statements;
    this.policyDocument = policy;
    this.key = new KmsKey(this, "key", {
      provider: props.provider,
      description: props.description,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: props.deletionWindowDays ?? KMS_DELETION_WINDOW_DAYS.max,
      policy: policy.json,
    });
    new KmsAlias(this, "alias", { provider: props.provider, name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
    this.keyId = this.key.keyId;
    this.aliasName = `alias/${props.alias}`;
    this.region = aws.region;
  }

  public serviceUseStatement(use: ServiceUse): PolicyStatement {
    return keyServiceUseStatement(this, use);
  }

  /** Adds statements to the key policy (e.g. a consumer built later, like CloudFront for media). */
  public addPolicyStatements(...statements: PolicyStatement[]): void {
    this.statements.push(...statements);
    this.policyDocument.putStatement(this.statements.map(statementBlock));
  }
}

export interface DataKeysProps {
  readonly aws: AwsContext;
  /** Name prefix for the aliases: `<prefix>-<data class>`. */
  readonly namePrefix: string;
  /** Days between scheduling deletion and deletion (KMS_DELETION_WINDOW_DAYS: 7-30). @default 30 (the longest) */
  readonly deletionWindowDays?: number;
  /**
   * A second region needing a logs key (us-east-1 for CloudFront's WAF log group and the
   * CloudFront alarm's topic when the environment is elsewhere): adds `globalLogs`, alias
   * `<prefix>-logs-global`, made there through `provider`. @default none
   */
  readonly global?: { readonly provider: AwsProvider; readonly region: string };
  /**
   * The DR region and the data classes whose keys must exist there (modules/dr: bucket
   * replicas and replicated images, replicated RDS backups, secret replicas): adds `dr[class]`,
   * alias `<prefix>-<class>-dr` (`names.drKmsAlias`), made there through `provider`, usable
   * through the same services as the class's primary key. Separate keys, not multi-Region
   * replicas: see modules/dr/README.md. @default none
   */
  readonly dr?: { readonly provider: AwsProvider; readonly region: string; readonly dataClasses: readonly DataClass[] };
}

/** One key per data class: storage (S3), database (RDS, ElastiCache), logs (CloudWatch), secrets. */
export class DataKeys extends Construct {
  public readonly storage: EncryptionKey;
  public readonly database: EncryptionKey;
  public readonly logs: EncryptionKey;
  public readonly secrets: EncryptionKey;
  /** The logs key in `global.region`, when `global` is set. */
  public readonly globalLogs?: EncryptionKey;
  /** Keys in `dr.region`, by data class, for the classes `dr.dataClasses` names. @default {} */
  public readonly dr: Readonly<Partial<Record<DataClass, EncryptionKey>>>;

  constructor(scope: Construct, id: string, props: DataKeysProps) {
    super(scope, id);
    const purposes: Record<DataClass, string> = {
      storage: "object storage (S3)",
      database: "databases and caches (RDS, ElastiCache, Performance Insights)",
      logs: "CloudWatch log groups",
      secrets: "Secrets Manager secrets",
    };
    const make = (cls: DataClass): EncryptionKey =>
      new EncryptionKey(this, cls, {
        aws: props.aws,
        alias: `${props.namePrefix}-${cls}`,
        description: `${props.namePrefix}: ${purposes[cls]}`,
        viaServices: DATA_CLASS_SERVICES[cls],
        cloudWatchLogs: cls === "logs",
        deletionWindowDays: props.deletionWindowDays,
      });
    this.storage = make("storage");
    this.database = make("database");
    this.logs = make("logs");
    this.secrets = make("secrets");
    if (props.global) {
      this.globalLogs = new EncryptionKey(this, "logs-global", {
        aws: { ...props.aws, region: props.global.region },
        provider: props.global.provider,
        alias: `${props.namePrefix}-logs-global`,
        description: `${props.namePrefix}: CloudWatch log groups and alert topics in ${props.global.region}`,
        cloudWatchLogs: true,
        deletionWindowDays: props.deletionWindowDays,
      });
    }
    const dr: Partial<Record<DataClass, EncryptionKey>> = {};
    const drRegion = props.dr;
    if (drRegion) {
      if (drRegion.region === props.aws.region) throw new Error(`DataKeys: the DR region ${drRegion.region} is the keys' own region`);
      for (const cls of new Set(drRegion.dataClasses)) {
        dr[cls] = new EncryptionKey(this, `${cls}-dr`, {
          aws: { ...props.aws, region: drRegion.region },
          provider: drRegion.provider,
          alias: `${props.namePrefix}-${cls}-dr`,
          description: `${props.namePrefix}: ${purposes[cls]}, disaster-recovery copies in ${drRegion.region}`,
          viaServices: DATA_CLASS_SERVICES[cls],
          cloudWatchLogs: cls === "logs",
          deletionWindowDays: props.deletionWindowDays,
        });
      }
    }
    this.dr = dr;
  }
}
