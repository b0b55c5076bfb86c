// The browser's search code (lunr.js, the text core, search-core.js) loaded in node from a
// built site, with a registry that runs the site's index files as the page's <script>s do.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

function openSite(site) {
  const run = (file) => vm.runInThisContext(fs.readFileSync(file, "utf8"), {filename: file});
  globalThis.window = globalThis;
  for (const asset of ["lunr.min.js", "arshif-text-data.js", "arshif-text.js", "search-core.js"]) run(path.join(site, "assets", asset));
  const core = globalThis.arshifSearchCore;
  const registry = new core.Registry((file, onerror) => {
    const full = path.join(site, file);
    if (fs.existsSync(full)) run(full); else onerror();
  });
  globalThis.ARSHIF_SEARCH = registry.api();
  return {core, registry, lunr: globalThis.lunr, text: globalThis.arshifText};
}

module.exports = {openSite};
