/** Snapshots of the production-dr stack (the warm standby); what they hold and how to update them: ./stack-snapshot.ts. */
import { snapshotStack } from "./stack-snapshot";

snapshotStack("production-dr");
