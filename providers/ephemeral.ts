/**
 * Ephemeral resources (Terraform >= 1.10, OpenTofu >= 1.11): values Terraform makes during
 * a plan or apply and never writes to the plan or the state. cdktf 0.21 has no class for
 * them, so each is a TerraformElement whose fragment the stack merges into
 * `ephemeral.<type>.<id>`. Their values may only feed write-only arguments (`*_wo`),
 * provider blocks or other ephemeral resources; Terraform refuses them anywhere else.
 */
import { Construct } from "constructs";
import { TerraformElement, TerraformStack, ref } from "cdktf";

/** Settings of `ephemeral "random_password"` (hashicorp/random >= 3.7, same arguments as the resource). */
export interface EphemeralRandomPasswordProps {
  /** Characters in the password (1 or more). */
  readonly length: number;
  /** Include special characters. @default true (the provider's default) */
  readonly special?: boolean;
  /** The special characters to pick from instead of the provider's set. @default the provider's `!@#$%&*()-_=+[]{}<>:?` */
  readonly overrideSpecial?: string;
  /** At least this many lower-case letters. @default 0 */
  readonly minLower?: number;
  /** At least this many upper-case letters. @default 0 */
  readonly minUpper?: number;
  /** At least this many digits. @default 0 */
  readonly minNumeric?: number;
  /** At least this many special characters. @default 0 */
  readonly minSpecial?: number;
}

/** Terraform type and address prefix of `EphemeralRandomPassword`. */
const RANDOM_PASSWORD = "random_password";

/**
 * `ephemeral "random_password"`: a fresh password on every plan and apply, in no plan and
 * no state. Feed `result` to write-only arguments with a version (`password_wo` +
 * `password_wo_version`): Terraform sends the value only when the version changes, so
 * every write-only argument fed from one password must share one version. Refer to
 * `result` only in the stack that defines it (an ephemeral value cannot be an output).
 */
export class EphemeralRandomPassword extends TerraformElement {
  /** `ephemeral.random_password`: kept apart from `random_password` resources in AuthorWorksStack's address check. */
  public readonly terraformResourceType = `ephemeral.${RANDOM_PASSWORD}`;
  /** The password, as a token (`${ephemeral.random_password.<id>.result}`). */
  public readonly result: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: EphemeralRandomPasswordProps,
  ) {
    super(scope, id, `ephemeral.${RANDOM_PASSWORD}`);
    const mins = [props.minLower, props.minUpper, props.minNumeric, props.minSpecial].map((m) => m ?? 0);
    if (!Number.isInteger(props.length) || props.length < 1) throw new Error(`${this.node.path}: length ${props.length} must be a whole number of at least 1`);
    if (mins.some((m) => !Number.isInteger(m) || m < 0)) throw new Error(`${this.node.path}: min_* must be whole numbers of at least 0`);
    const sum = mins.reduce((a, b) => a + b, 0);
    if (sum > props.length) throw new Error(`${this.node.path}: the min_* counts add up to ${sum}, more than length ${props.length}`);
    this.result = ref(`${this.terraformResourceType}.${this.friendlyUniqueId}.result`, TerraformStack.of(this)) as unknown as string;
  }

  public toTerraform(): Record<string, unknown> {
    const p = this.props;
    const config = {
      length: p.length,
      special: p.special,
      override_special: p.overrideSpecial,
      min_lower: p.minLower,
      min_upper: p.minUpper,
      min_numeric: p.minNumeric,
      min_special: p.minSpecial,
    };
    const set = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
    return { ephemeral: { [RANDOM_PASSWORD]: { [this.friendlyUniqueId]: set } } };
  }
}
