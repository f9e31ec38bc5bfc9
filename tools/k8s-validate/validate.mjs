// Validates Kubernetes objects (multi-document YAML on stdin, e.g. the output
// of `kubectl kustomize`) against the upstream
// OpenAPI schemas carried by the npm package kubernetes-models (and the
// Prometheus Operator's CRDs by @kubernetes-models/prometheus-operator).
// Offline: no API server. Exit 1 naming each invalid object, or an object
// whose kind no schema here covers.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const objects = parseAllDocuments(readFileSync(0, "utf8")).map((document) => document.toJS()).filter(Boolean);
let failures = 0;
for (const object of objects) {
  const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
  const name = `${object.kind}/${object.metadata?.name}`;
  const module = group === "monitoring.coreos.com"
    ? `@kubernetes-models/prometheus-operator/${group}/${version}/${object.kind}`
    : `kubernetes-models/${group ? group + "/" : ""}${version}/${object.kind}`;
  let Model;
  try {
    Model = (await import(module))[object.kind];
  } catch (error) {
    console.error(`${name}: no schema for ${object.apiVersion} ${object.kind} (${error.code ?? error.message})`);
    failures++;
    continue;
  }
  try {
    new Model(object).validate();
    console.log(`${name}: valid ${object.apiVersion}`);
  } catch (error) {
    console.error(`${name}: INVALID: ${error.message}`);
    failures++;
  }
}
console.log(`${objects.length} objects, ${failures} invalid`);
process.exit(failures ? 1 : 0);
