"""The AWS emulator of `npm run e2e`: moto's server, with fixes for emulator gaps.

    python emulator.py serve --port N       serve on 127.0.0.1:N until SIGTERM;
                                            GET /e2e-api/live lists the objects moto holds
    python emulator.py seed --endpoint URL --regions r1,r2 [--public-zone NAME ...]
    python emulator.py lift --endpoint URL [--rds REGION/ID ...] [--dynamodb REGION/NAME ...]

moto 5.2.x differs from AWS in ways that would hide a large part of every stack, so they
are fixed here rather than excluded (scripts/e2e/README.md has the table):
- every DB instance gets the same DbiResourceId, while the AWS provider (5.0+) tracks
  instances by it: each instance gets its own, stable per account/region/identifier;
- a DB instance created without a CA gets "rds-ca-default" instead of AWS's default
  (rds-ca-rsa2048-g1), so the provider modifies every new instance once more after
  creating it (ModifyDBInstance and a second wait of 80 s): AWS's default is given;
- CloudWatch: the AWS SDK for Go speaks Smithy RPCv2 CBOR to it, which moto does not
  parse. moto does serve CloudWatch's awsJson1_0 protocol (what boto3 speaks), so CBOR
  requests are translated to JSON and the answers back, field types taken from
  botocore's model of the service (timestamps are CBOR tag 1, blobs are bytes);
- CodeBuild's DeleteProject ignores a project named by its ARN (what the provider sends):
  the ARN is resolved to the name;
- CancelRotateSecret refuses a secret an AWS service owns and rotates (RDS's master user
  secret, managed rotation without a Lambda): its rotation is turned off, as AWS does;
- DeleteLaunchTemplate of an ID that does not exist answers the by-name error code instead
  of AWS's InvalidLaunchTemplateId.NotFound, so a delete the SDK retried fails: AWS's code;
- AWS Backup has no ListRecoveryPointsByBackupVault (the provider lists a vault's recovery
  points before deleting it with force_destroy): served, empty, since no backup job runs;
- S3 drops three things it was given and reads back less: tags sent with CreateBucket,
  a noncurrent-version expiration's NewerNoncurrentVersions, and the encryption rule's
  BlockedEncryptionTypes. Each is kept and returned as AWS does.
Nothing else of moto is changed.
"""
import argparse
import base64
import datetime
import hashlib
import io
import json
import os
import signal
import sys

CBOR_SERVICES = {"GraniteServiceVersion20100801": "cloudwatch"}


# The CA AWS gives a new DB instance when CreateDBInstance names none (the default in
# commercial regions since January 2024; RDS User Guide, "Using SSL/TLS to encrypt a
# connection to a DB instance"). moto gives "rds-ca-default", a name AWS never used.
AWS_DEFAULT_RDS_CA = "rds-ca-rsa2048-g1"


def rds_instances():
    from moto.rds import models

    original = models.DBInstance.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        key = f"{self.account_id}/{self.region}/{self.db_instance_identifier}".encode()
        self.dbi_resource_id = "db-" + base64.b32encode(hashlib.sha1(key).digest()).decode()[:26]
        if not kwargs.get("ca_certificate_identifier"):
            self.ca_certificate_identifier = AWS_DEFAULT_RDS_CA

    models.DBInstance.__init__ = init


def codebuild_project_arns():
    """AWS's DeleteProject takes the project's name or ARN (the AWS provider sends the
    ARN, its resource id); moto looks the ARN up as a name and deletes nothing."""
    from moto.codebuild import models

    original = models.CodeBuildBackend.delete_project

    def delete_project(self, project_name):
        return original(self, project_name.split(":project/", 1)[1] if project_name.startswith("arn:") else project_name)

    models.CodeBuildBackend.delete_project = delete_project


def managed_rotation_cancel():
    """A secret that an AWS service owns (RDS's master user secret) rotates without a
    Lambda. AWS turns its rotation off with CancelRotateSecret (the AWS provider's
    aws_secretsmanager_secret_rotation does so for RDS-managed secrets); moto refuses any
    secret without a rotation Lambda, as if it were RotateSecret."""
    from moto.secretsmanager import models

    original = models.SecretsManagerBackend.cancel_rotate_secret

    def cancel_rotate_secret(self, secret_id):
        secret = self.secrets[secret_id] if self._is_valid_identifier(secret_id) else None
        if isinstance(secret, models.FakeSecret) and not secret.is_deleted() and secret.owning_service and not secret.rotation_lambda_arn:
            secret.rotation_enabled = False
            return secret.to_short_dict()
        return original(self, secret_id)

    models.SecretsManagerBackend.cancel_rotate_secret = cancel_rotate_secret


def launch_template_id_not_found():
    """DeleteLaunchTemplate by an ID that does not exist: AWS answers
    InvalidLaunchTemplateId.NotFound (which the provider takes as already deleted, so a
    retried delete succeeds); moto answers the by-name code, which the provider reports."""
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models import launch_templates

    original = launch_templates.LaunchTemplateBackend.delete_launch_template

    def delete_launch_template(self, name, tid):
        if not name and tid and tid not in self.launch_templates:
            raise EC2ClientError("InvalidLaunchTemplateId.NotFound", f"The specified launch template, with template ID {tid}, does not exist.")
        return original(self, name, tid)

    launch_templates.LaunchTemplateBackend.delete_launch_template = delete_launch_template


def backup_recovery_points():
    """ListRecoveryPointsByBackupVault, which the provider calls before deleting a vault
    with force_destroy. No backup job ever runs in the emulator, so a vault that exists
    holds no recovery point; one that does not is ResourceNotFoundException, as in AWS."""
    from moto.backup import responses, urls

    def list_recovery_points_by_backup_vault(self):
        name = self.path.rstrip("/").split("/")[-2]
        self.backup_backend.describe_backup_vault(name)
        return json.dumps({"RecoveryPoints": []})

    responses.BackupResponse.list_recovery_points_by_backup_vault = list_recovery_points_by_backup_vault
    urls.url_paths["{0}/backup-vaults/(?P<name>[^/]+)/recovery-points/$"] = urls.response.dispatch


def s3_read_back():
    from moto.s3 import responses
    from moto.s3.models import S3Backend

    # Tags sent in CreateBucketConfiguration (how the AWS provider 6.x tags a new bucket).
    put = responses.S3Response._bucket_response_put

    def bucket_put(self, request, bucket_name, querystring):
        result = put(self, request, bucket_name, querystring)
        if not querystring and self.body:
            import xmltodict

            config = (xmltodict.parse(self.body) or {}).get("CreateBucketConfiguration") or {}
            tags = (config.get("Tags") or {}).get("Tag") or []
            tags = tags if isinstance(tags, list) else [tags]
            if tags:
                self.backend.put_bucket_tagging(bucket_name, {t["Key"]: t["Value"] for t in tags})
        return result

    responses.S3Response._bucket_response_put = bucket_put

    # The lifecycle rules as given, to complete what moto serializes.
    put_lifecycle = S3Backend.put_bucket_lifecycle_configuration

    def keep_rules(self, bucket_name, rules):
        put_lifecycle(self, bucket_name, rules)
        self.get_bucket(bucket_name).e2e_lifecycle_rules = rules

    S3Backend.put_bucket_lifecycle_configuration = keep_rules

    def complete(method, fix):
        original = getattr(responses.S3Response, method)

        def wrapped(self):
            serialize = self.serialized

            def serialized(action_result):
                fix(self, action_result.result)
                return serialize(action_result)

            self.serialized = serialized
            try:
                return original(self)
            finally:
                del self.serialized

        setattr(responses.S3Response, method, wrapped)

    def lifecycle(self, result):
        given = {r.get("ID"): r for r in getattr(self.backend.get_bucket(self.bucket_name), "e2e_lifecycle_rules", [])}
        for rule in result.get("Rules", []):
            newer = ((given.get(rule.get("ID")) or {}).get("NoncurrentVersionExpiration") or {}).get("NewerNoncurrentVersions")
            if newer is not None and "NoncurrentVersionExpiration" in rule:
                rule["NoncurrentVersionExpiration"]["NewerNoncurrentVersions"] = int(newer)

    def encryption(self, result):
        given = (self.backend.get_bucket_encryption(self.bucket_name) or {}).get("Rule") or {}
        blocked = ((given.get("BlockedEncryptionTypes") or {}).get("EncryptionType")) if isinstance(given.get("BlockedEncryptionTypes"), dict) else None
        if blocked:
            for rule in result["ServerSideEncryptionConfiguration"]["Rules"]:
                rule["BlockedEncryptionTypes"] = {"EncryptionType": blocked if isinstance(blocked, list) else [blocked]}

    complete("get_bucket_lifecycle", lifecycle)
    complete("get_bucket_encryption", encryption)


def convert(shape, value, to_json):
    """Walks `value` along a botocore shape: CBOR -> JSON (to_json) or JSON -> CBOR."""
    import cbor2

    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        return {k: convert(shape.members.get(k), v, to_json) for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [convert(shape.member, v, to_json) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: convert(shape.value, v, to_json) for k, v in value.items()}
    if kind == "timestamp":
        if to_json:
            return value.timestamp() if isinstance(value, datetime.datetime) else value
        if isinstance(value, str):
            value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        return cbor2.CBORTag(1, value)
    if kind == "blob":
        return base64.b64encode(value).decode() if to_json else base64.b64decode(value)
    return value


# Fields that identify an object or say it is on its way out (KMS PendingDeletion, a
# secret's deletion date, a NAT gateway's "deleted" state).
LIVE_FIELDS = (
    "arn", "id", "name", "physical_resource_id", "identifier", "key_id", "key_state", "key_manager", "deleted_date",
    "state", "_state", "status", "description", "interface_type", "budget_name", "backup_vault_name", "backup_vault_arn",
    "backup_plan_id", "backup_plan_arn", "deletion_date",
)


def live_objects():
    """The model objects moto's backends hold, by service and model.

    moto's own dump (/moto-api/data.json) lists every object ever created: its instance
    tracker keeps deleted ones. What a backend still holds is what AWS would still have.
    Only objects held by a backend itself are listed, not those inside another object (a
    bucket's lifecycle rules): they go with their owner.
    """
    from moto.core.base_backend import BackendDict
    from moto.core.common_models import BaseModel

    seen, out = set(), {}

    def visit(value, depth):
        if depth > 4 or id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, dict):
            children = list(value.values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            children = list(value)
        elif isinstance(value, BaseModel):
            if type(value).__name__.endswith("Backend"):
                return  # moto registers some backends as models: not an AWS object
            service = type(value).__module__.split(".")[1]
            entry = {}
            for f in LIVE_FIELDS:
                v = getattr(value, f, None)
                if isinstance(v, (str, int, float, bool)) or v is None:
                    entry[f] = v
                else:
                    entry[f] = str(v)
            eni = getattr(value, "_eni", None)  # a NAT gateway's network interface
            if eni is not None:
                entry["network_interface_id"] = getattr(eni, "id", None)
            if isinstance(getattr(value, "budget", None), dict):
                entry["name"] = value.budget.get("BudgetName")  # a budget is known by its name only
            out.setdefault(f"{service}.{type(value).__name__}", []).append(entry)
            return
        else:
            return
        for c in children:
            visit(c, depth + 1)

    for backend_dict in list(BackendDict._instances):
        for account in list(backend_dict.values()):
            for backend in list(account.values()):
                visit(vars(backend), 0)
    return out


class E2eApi:
    """WSGI middleware: GET /e2e-api/live."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != "/e2e-api/live":
            return self.app(environ, start_response)
        body = json.dumps(live_objects()).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


class CborToJson:
    """WSGI middleware: Smithy RPCv2 CBOR in front of a JSON-protocol backend."""

    def __init__(self, app):
        import botocore.session

        self.app = app
        self.models = {prefix: botocore.session.get_session().get_service_model(name) for prefix, name in CBOR_SERVICES.items()}

    def __call__(self, environ, start_response):
        parts = environ.get("PATH_INFO", "").strip("/").split("/")
        if environ.get("HTTP_SMITHY_PROTOCOL") != "rpc-v2-cbor" or len(parts) != 4 or parts[1] not in self.models:
            return self.app(environ, start_response)
        import cbor2

        model, target, operation = self.models[parts[1]], parts[1], parts[3]
        op = model.operation_model(operation)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        request = cbor2.loads(body) if body else {}
        payload = json.dumps(convert(op.input_shape, request, True)).encode()
        environ = dict(environ)
        environ.update(
            {
                "PATH_INFO": "/",
                "CONTENT_TYPE": "application/x-amz-json-1.0",
                "CONTENT_LENGTH": str(len(payload)),
                "HTTP_X_AMZ_TARGET": f"{target}.{operation}",
                "wsgi.input": io.BytesIO(payload),
            }
        )
        environ.pop("HTTP_SMITHY_PROTOCOL", None)
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers

        raw = b"".join(self.app(environ, capture))
        answer = json.loads(raw) if raw.strip() else {}
        ok = captured["status"].startswith("2")
        if ok:
            answer = convert(op.output_shape, answer, False)
        out = cbor2.dumps(answer)
        headers = [(k, v) for k, v in captured["headers"] if k.lower() not in ("content-type", "content-length")]
        headers += [("Content-Type", "application/cbor"), ("Content-Length", str(len(out))), ("smithy-protocol", "rpc-v2-cbor")]
        start_response(captured["status"], headers)
        return [out]


def serve(args):
    from werkzeug.serving import run_simple
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app

    os.environ.setdefault("MOTO_PORT", str(args.port))
    rds_instances()
    codebuild_project_arns()
    managed_rotation_cancel()
    launch_template_id_not_found()
    backup_recovery_points()
    s3_read_back()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = E2eApi(CborToJson(DomainDispatcherApplication(create_backend_app)))
    run_simple(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)


def seed(args):
    """Stand-ins for what other accounts or earlier stacks own, and region warm-up so that
    the snapshot before apply already holds each region's defaults (default VPC...)."""
    import boto3

    kw = dict(endpoint_url=args.endpoint, aws_access_key_id="test", aws_secret_access_key="test")
    for region in args.regions.split(","):
        boto3.client("ec2", region_name=region, **kw).describe_vpcs()
    r53 = boto3.client("route53", region_name="us-east-1", **kw)
    for zone in args.public_zone or []:
        r53.create_hosted_zone(Name=zone, CallerReference=f"e2e-seed-{zone}")
    # A zone in another account (moto keeps one backend per account, chosen by this header),
    # and the role there the stack's provider assumes; moto's STS switches accounts on AssumeRole.
    for spec in args.foreign_zone or []:
        zone, account, role_arn = spec.split(",")

        def in_account(request, account=account, **_):
            request.headers["x-moto-account-id"] = account

        clients = [boto3.client(s, region_name="us-east-1", **kw) for s in ("route53", "iam")]
        for c in clients:
            c.meta.events.register("before-send.*.*", in_account)
        foreign_r53, iam = clients
        foreign_r53.create_hosted_zone(Name=zone, CallerReference=f"e2e-seed-{zone}-{account}")
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}]}
        iam.create_role(RoleName=role_arn.split("/")[-1], AssumeRolePolicyDocument=json.dumps(trust))


def lift(args):
    """Deletion protections off, as an operator lifts them before a destroy: RDS instances
    (--rds REGION/IDENTIFIER) and DynamoDB tables (--dynamodb REGION/NAME)."""
    import boto3

    kw = dict(endpoint_url=args.endpoint, aws_access_key_id="test", aws_secret_access_key="test")
    for spec in args.rds or []:
        region, identifier = spec.split("/", 1)
        boto3.client("rds", region_name=region, **kw).modify_db_instance(DBInstanceIdentifier=identifier, DeletionProtection=False, ApplyImmediately=True)
    for spec in args.dynamodb or []:
        region, name = spec.split("/", 1)
        boto3.client("dynamodb", region_name=region, **kw).update_table(TableName=name, DeletionProtectionEnabled=False)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, required=True)
    d = sub.add_parser("seed")
    d.add_argument("--endpoint", required=True)
    d.add_argument("--regions", required=True)
    d.add_argument("--public-zone", action="append")
    d.add_argument("--foreign-zone", action="append", help="ZONE,ACCOUNT,ROLE_ARN: a public zone in another account and the role there")
    lp = sub.add_parser("lift")
    lp.add_argument("--endpoint", required=True)
    lp.add_argument("--rds", action="append", help="REGION/IDENTIFIER: an RDS instance's deletion protection off")
    lp.add_argument("--dynamodb", action="append", help="REGION/NAME: a DynamoDB table's deletion protection off")
    args = p.parse_args()
    {"serve": serve, "seed": seed, "lift": lift}[args.cmd](args)


if __name__ == "__main__":
    main()
