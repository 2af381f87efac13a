# tflint configuration for `npm run verify` (offline: no `tflint --init`).
# The AWS ruleset binary is installed by install.sh into TFLINT_PLUGIN_DIR as
# `tflint-ruleset-aws`, hence no source/version attributes here.
config {
  # cdktf stacks are self-contained JSON; nothing to fetch.
  call_module_type = "none"
}

# Bundled with tflint itself.
plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

plugin "aws" {
  enabled = true
}
