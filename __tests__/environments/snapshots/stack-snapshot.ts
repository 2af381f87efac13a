/**
 * Regression snapshots of the committed app's stacks: one test file, and so one snapshot file
 * (`__snapshots__/<stack>.test.ts.snap`), per stack. Any change to the synthesized Terraform
 * fails a snapshot; review the diff like a plan, then accept it with `npx jest -u <file>`.
 *
 * Long documents embedded in string attributes (CloudWatch dashboard bodies, Grafana
 * dashboards, Helm values, the Alloy configuration, ECR lifecycle policies) get a snapshot
 * each, one value per line, so that a diff shows the lines that changed:
 * - A string is an embedded document when it is at least MIN_DOCUMENT_LENGTH characters long
 *   and either is JSON of an object or array, written compact (`JSON.stringify(v)`) or
 *   indented by 2 (`JSON.stringify(v, null, 2)`), or holds a line break (text). Shorter
 *   strings, and long one-line strings that are not JSON (PromQL, Terraform expressions),
 *   read well where they are and stay there.
 * - In the stack's snapshot the document is replaced by `<compact JSON: PATH>`,
 *   `<indented JSON: PATH>` or `<text: PATH>`. PATH says where the document is
 *   (`resource.aws_cloudwatch_dashboard.monitoring_dashboard.dashboard_body`) and names the test,
 *   and so the snapshot, holding it.
 * - A JSON document's snapshot is the document indented by 2, keys in its own order; with the
 *   format in the placeholder it gives back the exact string, so a change of key order or of
 *   layout fails too. JSON written any other way is not parsed: as text if it spans lines,
 *   else inline. A text document's snapshot is the text.
 * - Documents inside a document (the Alloy configuration inside Helm values) are taken out the
 *   same way; their PATH continues the outer one after ` > `
 *   (`resource.helm_release.addons_alloy_release.values[0] > alloy.configMap.content`).
 * A document that appears, disappears, or crosses the length threshold changes the stack's
 * snapshot; `npx jest` fails on the obsolete snapshot a removed document leaves.
 */
import type { Json } from "../../helpers";
import { realStack } from "../../real-app";

/** Strings shorter than this (characters) stay inline. */
export const MIN_DOCUMENT_LENGTH = 200;

export interface EmbeddedDocument {
  readonly path: string;
  readonly text: string;
}

function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  if (!/^[A-Za-z_][\w-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === "" || path.endsWith(" > ") ? `${path}${key}` : `${path}.${key}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * `value` with every embedded document under it replaced by its placeholder; the documents are
 * appended to `documents`, each before those inside it.
 */
export function extractDocuments(value: unknown, path: string, documents: EmbeddedDocument[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => extractDocuments(v, join(path, i), documents));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, extractDocuments(v, join(path, k), documents)]));
  }
  if (typeof value !== "string" || value.length < MIN_DOCUMENT_LENGTH) return value;
  const json = parseJson(value);
  const format =
    json === null || typeof json !== "object"
      ? undefined
      : value === JSON.stringify(json)
        ? "compact JSON"
        : value === JSON.stringify(json, null, 2)
          ? "indented JSON"
          : undefined;
  if (format) {
    const index = documents.push({ path, text: "" }) - 1;
    documents[index] = { path, text: JSON.stringify(extractDocuments(json, `${path} > `, documents), null, 2) };
    return `<${format}: ${path}>`;
  }
  if (!value.includes("\n")) return value;
  documents.push({ path, text: value });
  return `<text: ${path}>`;
}

/** The snapshot tests of one stack of the committed app: the stack, then each embedded document. */
export function snapshotStack(name: string): void {
  const documents: EmbeddedDocument[] = [];
  const stack = extractDocuments(realStack(name), "", documents);

  describe(name, () => {
    test("the stack, embedded documents replaced by placeholders", () => {
      expect(stack).toMatchSnapshot();
    });

    for (const { path, text } of documents) {
      test(path, () => {
        expect(text).toMatchSnapshot();
      });
    }
  });
}
