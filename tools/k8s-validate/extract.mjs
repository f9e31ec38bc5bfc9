// Writes what ainode itself must accept out of rendered manifests (YAML on
// stdin) into DIR: the ConfigMap's ainode.toml, the DaemonSet container's
// arguments (one per line) and the DaemonSet as JSON.
//   node extract.mjs DIR < rendered.yaml
import { readFileSync, writeFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const directory = process.argv[2];
const objects = parseAllDocuments(readFileSync(0, "utf8")).map((document) => document.toJS()).filter(Boolean);
const config = objects.find((object) => object.kind === "ConfigMap");
const daemonset = objects.find((object) => object.kind === "DaemonSet");
if (!config || !daemonset) {
  console.error("rendered manifests lack a ConfigMap or a DaemonSet");
  process.exit(1);
}
writeFileSync(`${directory}/ainode.toml`, config.data["ainode.toml"]);
writeFileSync(`${directory}/args`, daemonset.spec.template.spec.containers[0].args.join("\n") + "\n");
writeFileSync(`${directory}/daemonset.json`, JSON.stringify(daemonset));
