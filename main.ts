/** The app: which stacks exist. Everything else lives in environments/. */
// First: its settings must hold while the other modules load.
import { debug } from "./environments/synth-runtime";
import { buildApp } from "./environments/app";
import { ENVIRONMENTS } from "./environments";
import { reportSynthError } from "./environments/report-error";

try {
  buildApp({ environments: ENVIRONMENTS, processEnv: process.env }).synth();
} catch (e) {
  // Never rethrow: Node would print the throwing line of the compiled JavaScript, not a message.
  process.exit(reportSynthError(e, { debug }));
}
