/* Prints, for each term read from stdin (a JSON list), what the browser reads from a built
   site's positions parts: {term: [forms, {ref: bits of the forms its headline and body hold}]}.
   Usage: node term_forms.js SITE_DIR < terms.json */
"use strict";
const fs = require("fs");
const {openSite} = require("./site_search.js");
const {core, registry} = openSite(process.argv[2]);

async function main() {
  const terms = JSON.parse(fs.readFileSync(0, "utf8"));
  const manifest = await registry.get("manifest", 0, "search/manifest.js");
  const engine = new core.SearchIndex(registry, manifest);
  await engine.resolve(terms);  // loads the terms' parts, as a query does
  const out = {};
  for (const term of terms) {
    const found = await engine.positions(term);
    out[term] = [found.forms, found.formsOf];
  }
  process.stdout.write(JSON.stringify(out));
}
main().catch((e) => { console.error(e); process.exit(1); });
