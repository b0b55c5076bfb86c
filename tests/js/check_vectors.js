// Runs every test vector through the browser's text core (arshif-text.js) in node:
//   node tests/js/check_vectors.js DATA_JS VECTORS_JSON
// DATA_JS is the assets/arshif-text-data.js of a built site. Exits 1 on any mismatch.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [dataFile, vectorsFile] = process.argv.slice(2);
const context = {console};
context.globalThis = context;
context.window = context;
vm.createContext(context);
vm.runInContext(fs.readFileSync(path.join(__dirname, "..", "..", "node_modules", "lunr", "lunr.js"), "utf8"), context);
vm.runInContext(fs.readFileSync(dataFile, "utf8"), context);
vm.runInContext(fs.readFileSync(path.join(__dirname, "..", "..", "templates", "static", "arshif-text.js"), "utf8"), context);
const text = context.arshifText;
const lunr = context.lunr;

const vectors = JSON.parse(fs.readFileSync(vectorsFile, "utf8"));
const failures = [];
for (const [word, token, kind] of vectors) {
  const words = text.words(word);
  const got = words.length ? text.stem(words[0].toLowerCase()) : "";
  // and through lunr.js's own search pipeline, loaded by label as an index would
  const pipeline = lunr.Pipeline.load(["arshif-normalise-v1", "arshif-stem-v1"]);
  const viaLunr = words.length ? pipeline.runString(words[0]) : [""];
  if (got !== token || viaLunr.join(" ") !== token) failures.push({word, kind, expected: token, got, viaLunr});
}
console.log(`${vectors.length - failures.length} passed, ${failures.length} failed`);
if (failures.length) {
  console.log(JSON.stringify(failures.slice(0, 20), null, 1));
  process.exit(1);
}
