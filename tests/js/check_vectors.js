// Runs every test vector through the browser's text core and index reader in node:
//   node tests/js/check_vectors.js SITE_DIR VECTORS_JSON
// SITE_DIR is a built site of the 2,000-article corpus: each vector's words, readings and
// index term must be what Python gave (tests/make_search_vectors.py). Exits 1 on a mismatch.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [site, vectorsFile] = process.argv.slice(2);
const run = (file) => vm.runInThisContext(fs.readFileSync(file, "utf8"), {filename: file});
globalThis.window = globalThis;
for (const asset of ["lunr.min.js", "arshif-text-data.js", "arshif-text.js", "search-core.js"]) run(path.join(site, "assets", asset));
const text = globalThis.arshifText;
const core = globalThis.arshifSearchCore;
const registry = new core.Registry((file, onerror) => {
  const full = path.join(site, file);
  if (fs.existsSync(full)) run(full); else onerror();
});
globalThis.ARSHIF_SEARCH = registry.api();

async function main() {
  const manifest = await registry.get("manifest", 0, "search/manifest.js");
  const engine = new core.SearchIndex(registry, manifest);
  const pipeline = globalThis.lunr.Pipeline.load(manifest.pipeline);
  const vectors = JSON.parse(fs.readFileSync(vectorsFile, "utf8"));
  const failures = [];
  for (const [written, words, readings, term, kind] of vectors) {
    const got = {words: text.words(written)};
    const first = got.words[0] || "";
    got.readings = text.readings(first);
    got.term = first ? (await engine.resolve([first]))[0] : null;
    // and through lunr.js's own pipeline, loaded by its labels as the index names them
    const viaLunr = first ? pipeline.runString(first) : [];
    const expected = {words, readings, term};
    if (JSON.stringify(got) !== JSON.stringify(expected) || viaLunr.join(" ") !== (term || "")) {
      failures.push({written, kind, expected, got, viaLunr});
    }
  }
  console.log(`${vectors.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length) {
    console.log(JSON.stringify(failures.slice(0, 20), null, 1));
    process.exit(1);
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
