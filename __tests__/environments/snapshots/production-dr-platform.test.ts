/** Snapshots of the production-dr-platform stack (the warm standby's platform layer); what they hold and how to update them: ./stack-snapshot.ts. */
import { snapshotStack } from "./stack-snapshot";

snapshotStack("production-dr-platform");
