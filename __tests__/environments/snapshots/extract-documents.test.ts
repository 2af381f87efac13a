/** The rules ./stack-snapshot.ts snapshots embedded documents by: every change to a document still shows. */
import { EmbeddedDocument, MIN_DOCUMENT_LENGTH, extractDocuments } from "./stack-snapshot";

function extract(value: unknown): { value: unknown; documents: EmbeddedDocument[] } {
  const documents: EmbeddedDocument[] = [];
  return { value: extractDocuments(value, "", documents), documents };
}

// A JSON object of at least MIN_DOCUMENT_LENGTH characters written either way.
const body = { widgets: Array.from({ length: 8 }, (_, i) => ({ type: "metric", title: `panel ${i}`, x: i })) };
const compact = JSON.stringify(body);
const indented = JSON.stringify(body, null, 2);

test("the fixture is long enough to be a document", () => {
  expect(compact.length).toBeGreaterThanOrEqual(MIN_DOCUMENT_LENGTH);
});

test("a JSON document is replaced by a placeholder naming its path and format, and snapshotted indented", () => {
  const got = extract({ resource: { aws_cloudwatch_dashboard: { d: { dashboard_body: compact, name: "x" } } } });
  expect(got.value).toEqual({
    resource: { aws_cloudwatch_dashboard: { d: { dashboard_body: "<compact JSON: resource.aws_cloudwatch_dashboard.d.dashboard_body>", name: "x" } } },
  });
  expect(got.documents).toEqual([{ path: "resource.aws_cloudwatch_dashboard.d.dashboard_body", text: indented }]);
  expect(extract({ values: [indented] }).value).toEqual({ values: ["<indented JSON: values[0]>"] });
});

test("short strings, long one-line non-JSON strings and JSON written another way stay inline or become text", () => {
  const promql = `sum(rate(http_requests_total{status=~"5.."}[5m])) / ${"x".repeat(MIN_DOCUMENT_LENGTH)}`;
  const spaced = JSON.stringify(body, null, 4);
  const oneLineSpaced = compact.replace(/,/g, ", ");
  const got = extract({ short: '{"a":1}', promql, spaced, oneLineSpaced });
  expect(got.value).toEqual({ short: '{"a":1}', promql, spaced: "<text: spaced>", oneLineSpaced });
  expect(got.documents).toEqual([{ path: "spaced", text: spaced }]);
});

test("any change to a document changes its snapshot or the placeholder: a value, the key order, the layout", () => {
  const snapshotOf = (text: string) => JSON.stringify(extract({ doc: text }));
  const reordered = JSON.stringify({ widgets: body.widgets.map(({ type, title, x }) => ({ title, type, x })) });
  const changed = JSON.stringify({ widgets: body.widgets.map((w, i) => (i === 3 ? { ...w, x: 99 } : w)) });
  const all = [compact, indented, reordered, changed].map(snapshotOf);
  expect(new Set(all).size).toBe(all.length);
});

test("documents inside documents get their own snapshot, the path continuing after ' > '", () => {
  const alloy = `logging {\n  level = "info"\n}\n${"// padding\n".repeat(20)}`;
  const values = JSON.stringify({ alloy: { configMap: { content: alloy } }, "odd.key": [alloy] }, null, 2);
  const got = extract({ values: [values] });
  expect(got.value).toEqual({ values: ["<indented JSON: values[0]>"] });
  expect(got.documents.map((d) => d.path)).toEqual(["values[0]", "values[0] > alloy.configMap.content", 'values[0] > ["odd.key"][0]']);
  expect(JSON.parse(got.documents[0].text)).toEqual({
    alloy: { configMap: { content: "<text: values[0] > alloy.configMap.content>" } },
    "odd.key": ['<text: values[0] > ["odd.key"][0]>'],
  });
  expect(got.documents[1].text).toBe(alloy);
});
