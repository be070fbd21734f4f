// Validates every object of a multi-document Kubernetes YAML file (what `kubectl kustomize
// deploy/k8s` prints) against the OpenAPI schema of its kind, with the models the npm package
// kubernetes-models generates from the Kubernetes API's OpenAPI definitions.
// Usage: node validate.mjs FILE.yaml — one line per object; exit 0 only if there is at least
// one object and every object is valid, 1 otherwise.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const documents = parseAllDocuments(readFileSync(process.argv[2], "utf8"));
let objects = 0;
let failures = 0;
for (const document of documents) {
  if (document.errors.length > 0) {
    console.log(`not YAML: ${document.errors[0].message}`);
    failures++;
    continue;
  }
  const object = document.toJS();
  if (object === null) continue;
  objects++;
  const name = `${object.apiVersion} ${object.kind} ${object.metadata?.name}`;
  // Core kinds are at kubernetes-models/v1, the others at kubernetes-models/GROUP/VERSION.
  const module = String(object.apiVersion).includes("/") ? object.apiVersion : "v1";
  let Model;
  try {
    Model = (await import(`kubernetes-models/${module}`))[object.kind];
  } catch {
    Model = undefined;
  }
  if (typeof Model !== "function") {
    console.log(`unknown kind: ${name}`);
    failures++;
    continue;
  }
  try {
    new Model(object).validate();
    console.log(`valid: ${name}`);
  } catch (e) {
    console.log(`invalid: ${name}: ${e.message}`);
    failures++;
  }
}
console.log(`${objects} objects, ${failures} invalid`);
process.exit(objects > 0 && failures === 0 ? 0 : 1);
