/**
 * The tag that puts a resource into the plans. Tagging (not listing ARNs) lets new
 * databases join without a change here; the selection also restricts resource types.
 * Its own file: the cost estimate reads it without loading the constructs.
 */
export const BACKUP_TAG = { key: "authorworks:backup", value: "daily" } as const;
