// Checks Grafana dashboard JSON against Grafana's own schema, as published in
// @grafana/schema: the TypeScript types Grafana generates from its CUE kinds
// (the dashboard model and each panel plugin's options and field config).
//
// Usage: node validate.mjs DASHBOARD.json...
//
// Each dashboard becomes a TypeScript module whose object literals are typed
// as the schema's types, and the compiler checks them: a misspelt or unknown
// key (excess property), a wrong type, a value outside an enum, a missing
// required field are all errors. Options of panel types the schema package
// has no types for are reported, not skipped. Exit 1 on any error.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = path.dirname(fileURLToPath(import.meta.url));

// Panel type -> the schema module carrying its Options and FieldConfig.
const PANEL_SCHEMAS = {
  timeseries: "timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen",
  stat: "stat/panelcfg/x/StatPanelCfg_types.gen",
  "state-timeline": "statetimeline/panelcfg/x/StateTimelinePanelCfg_types.gen",
  table: "table/panelcfg/x/TablePanelCfg_types.gen",
  bargauge: "bargauge/panelcfg/x/BarGaugePanelCfg_types.gen",
};
// Options of these types have no FieldConfig in the schema (custom is empty).
const NO_FIELD_CONFIG = new Set(["stat", "bargauge"]);

// JSON carries an enum's value ("list"), the schema its TypeScript enum
// (LegendDisplayMode.List): Plain maps string enums to their values. Panel
// options may be partial: Grafana fills in each plugin's defaults.
const PRELUDE = `
type Plain<T> = T extends string ? \`\${T}\` : T extends readonly (infer U)[] ? Plain<U>[]
  : T extends object ? { [K in keyof T]: Plain<T[K]> } : T;
type DeepPartial<T> = T extends readonly (infer U)[] ? DeepPartial<U>[]
  : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
`;

function literal(value) {
  return JSON.stringify(value, null, 2);
}

function allPanels(dashboard) {
  const out = [];
  for (const panel of dashboard.panels ?? []) {
    out.push(panel);
    for (const nested of panel.panels ?? []) out.push(nested);
  }
  return out;
}

// The module for one dashboard, and which lines belong to which panel.
function moduleFor(dashboard) {
  const lines = [`import type { Dashboard } from "@grafana/schema";`];
  const used = [...new Set(allPanels(dashboard).map((p) => p.type))].filter((t) => PANEL_SCHEMAS[t]);
  used.forEach((type, index) => {
    lines.push(`import type * as panel${index} from "@grafana/schema/dist/esm/raw/composable/${PANEL_SCHEMAS[type]}";`);
  });
  lines.push(PRELUDE);
  const owners = [];
  const add = (owner, text) => {
    for (const line of text.split("\n")) {
      lines.push(line);
      owners[lines.length] = owner;
    }
  };
  add("dashboard", `export const dashboard: Plain<Dashboard> = ${literal(dashboard)};`);
  const problems = [];
  for (const panel of allPanels(dashboard)) {
    if (panel.type === "row") continue;
    const owner = `panel ${panel.id} "${panel.title}" (${panel.type})`;
    const index = used.indexOf(panel.type);
    if (index < 0) {
      problems.push(`${owner}: @grafana/schema has no options schema for panel type ${panel.type}`);
      continue;
    }
    add(owner, `export const options_${panel.id}: DeepPartial<Plain<panel${index}.Options>> = ${literal(panel.options ?? {})};`);
    const custom = panel.fieldConfig?.defaults?.custom ?? {};
    if (NO_FIELD_CONFIG.has(panel.type)) {
      add(owner, `export const custom_${panel.id}: Record<string, never> = ${literal(custom)};`);
    } else {
      add(owner, `export const custom_${panel.id}: DeepPartial<Plain<panel${index}.FieldConfig>> = ${literal(custom)};`);
    }
  }
  return { text: lines.join("\n") + "\n", owners, problems };
}

function check(file) {
  const dashboard = JSON.parse(fs.readFileSync(file, "utf8"));
  const { text, owners, problems } = moduleFor(dashboard);
  // Inside this package so "@grafana/schema" resolves to its node_modules.
  const dir = fs.mkdtempSync(path.join(here, ".check-"));
  const source = path.join(dir, path.basename(file, ".json") + ".ts");
  fs.writeFileSync(source, text);
  try {
    const program = ts.createProgram([source], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      typeRoots: [],
    });
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n  ");
      if (!diagnostic.file) {
        problems.push(message);
        continue;
      }
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const where = diagnostic.file.fileName === source ? owners[line + 1] ?? "module" : diagnostic.file.fileName;
      const code = diagnostic.file.fileName === source ? text.split("\n")[line].trim() : "";
      problems.push(`${where}: ${message}${code ? `\n    at: ${code}` : ""}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { panels: allPanels(dashboard).length, problems };
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs DASHBOARD.json...");
  process.exit(2);
}
let failed = false;
for (const file of files) {
  const { panels, problems } = check(file);
  for (const problem of problems) console.log(`${file}: ${problem}`);
  if (problems.length) failed = true;
  else console.log(`${file}: ${panels} panels match the @grafana/schema dashboard and panel types`);
}
process.exit(failed ? 1 : 0);
