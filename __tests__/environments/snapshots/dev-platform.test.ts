/** Snapshots of the dev-platform stack; what they hold and how to update them: ./stack-snapshot.ts. */
import { snapshotStack } from "./stack-snapshot";

snapshotStack("dev-platform");
