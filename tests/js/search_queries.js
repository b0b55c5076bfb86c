/* Runs lunr query strings against a built site's split index, as the browser does (the
   same search-core.js and arshif-text.js), and prints [[ref, score], ...] for each query.
   Usage: node search_queries.js SITE_DIR < queries.json */
"use strict";
const fs = require("fs");
const {openSite} = require("./site_search.js");
const {core, registry, lunr} = openSite(process.argv[2]);

async function main() {
  const queries = JSON.parse(fs.readFileSync(0, "utf8"));
  const manifest = await registry.get("manifest", 0, "search/manifest.js");
  const engine = new core.SearchIndex(registry, manifest);
  const out = [];
  for (const q of queries) {
    const query = new lunr.Query(manifest.fields);
    new lunr.QueryParser(q, query).parse();
    const terms = [];
    for (const clause of query.clauses) {
      if (clause.term.endsWith("*")) {  // lunr keeps the * in the term
        const found = await engine.prefixTerms(clause.term.replace(/\*$/, ""));
        terms.push(...found.terms);
      } else {
        terms.push(...(await engine.resolve([clause.term])).filter(Boolean));
      }
    }
    const results = engine.index(terms).search(q);
    out.push(results.map((r) => [r.ref, r.score]));
  }
  process.stdout.write(JSON.stringify(out));
}
main().catch((e) => { console.error(e); process.exit(1); });
