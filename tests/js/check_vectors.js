// Runs every test vector through the browser's text core and index reader in node:
//   node tests/js/check_vectors.js SITE_DIR VECTORS_JSON
// SITE_DIR is a built site of the 2,000-article corpus: each vector's words, readings and
// index term and surface form must be what Python gave (tests/make_search_vectors.py). Exits 1 on a mismatch.
"use strict";
const fs = require("fs");
const {openSite} = require("./site_search.js");
const [site, vectorsFile] = process.argv.slice(2);
const {core, registry, text, lunr} = openSite(site);

async function main() {
  const manifest = await registry.get("manifest", 0, "search/manifest.js");
  const engine = new core.SearchIndex(registry, manifest);
  const pipeline = lunr.Pipeline.load(manifest.pipeline);
  const vectors = JSON.parse(fs.readFileSync(vectorsFile, "utf8"));
  const failures = [];
  for (const [written, words, readings, term, kind, form] of vectors) {
    const got = {words: text.words(written)};
    const first = got.words[0] || "";
    got.readings = text.readings(first);
    got.term = first ? (await engine.resolve([first]))[0] : null;
    // and through lunr.js's own pipeline, loaded by its labels as the index names them
    const viaLunr = first ? pipeline.runString(first) : [];
    got.form = got.term ? text.formOf(first, got.term) : null;
    const expected = {words, readings, term, form};
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
